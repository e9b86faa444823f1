using System;
using System.Collections.Generic;
using System.Threading;

namespace StateLog.Compaction;

/// <summary>
/// Kafka's delayed deletion of replaced segments (<c>file.delete.delay.ms</c>, reference §1.12): the swap renames an
/// old segment's files to <c>.deleted</c>, and they are deleted <c>FileDeleteDelay</c> after the swap (or when the last
/// reader lets go of the segment, if later), on a timer of the options' <see cref="TimeProvider"/>. The pass does not
/// wait for the unlinks, whose cost is the kernel dropping the replaced bytes from the page cache: about as much CPU
/// as the rest of a pass that replaces a large dirty log. On <see cref="Dispose"/> (the engine's close) the pending
/// deletions run at once, so a clean close leaves no <c>.deleted</c> file; after a crash, recovery deletes leftovers at
/// open, as Kafka does at startup.
/// </summary>
internal sealed class SegmentDeleter : IDisposable
{
    /// <summary>The longest wait a timer is armed for (timers take at most about 49 days); a later deletion re-arms.</summary>
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(1);

    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly object _running = new();
    private readonly List<Pending> _pending = new();
    private ITimer? _timer;
    private bool _disposed;

    public SegmentDeleter(TimeProvider time) => _time = time;

    /// <summary>Deletions scheduled and not yet run.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="delete"/> (which deletes the <c>.deleted</c> files of segment <paramref name="baseOffset"/>
    /// in <paramref name="directory"/>) at <paramref name="dueMs"/>, or now if that has passed or the deleter is closed.
    /// </summary>
    public void Schedule(string directory, long baseOffset, long dueMs, Action delete)
    {
        lock (_gate)
        {
            if (!_disposed && dueMs > NowMs)
            {
                _pending.Add(new Pending(directory, baseOffset, dueMs, delete));
                Arm();
                return;
            }
        }

        delete();
    }

    /// <summary>
    /// Runs now any pending deletion of segment <paramref name="baseOffset"/>'s files in <paramref name="directory"/>:
    /// a swap about to rename a segment of that base offset to <c>.deleted</c> must not have a later timer delete its files.
    /// </summary>
    public void RunNow(string directory, long baseOffset)
    {
        List<Action> due;
        lock (_gate)
        {
            due = Take(p => p.BaseOffset == baseOffset && p.Directory == directory);
        }

        Run(due);
    }

    /// <summary>Stops the timer and runs every pending deletion now; later ones run at once.</summary>
    public void Dispose()
    {
        List<Action> all;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            all = Take(_ => true);
        }

        _timer?.Dispose();
        Run(all); // also waits for deletions the timer is running now
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Sets the timer to the earliest due time; under <see cref="_gate"/>.</summary>
    private void Arm()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var next = long.MaxValue;
        foreach (var pending in _pending)
        {
            next = Math.Min(next, pending.DueMs);
        }

        _timer ??= _time.CreateTimer(static state => ((SegmentDeleter)state!).RunDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var wait = TimeSpan.FromMilliseconds(Math.Max(0, next - NowMs));
        _timer.Change(wait < MaxTimerWait ? wait : MaxTimerWait, Timeout.InfiniteTimeSpan);
    }

    private void RunDue()
    {
        // Held from the take to the end of the run, so Dispose (which runs under it too) returns only after deletions
        // this timer took: none runs after the engine closed.
        lock (_running)
        {
            List<Action> due;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                var now = NowMs;
                due = Take(p => p.DueMs <= now);
                Arm();
            }

            Run(due);
        }
    }

    /// <summary>Removes and returns the pending deletions that match; under <see cref="_gate"/>.</summary>
    private List<Action> Take(Predicate<Pending> match)
    {
        var taken = new List<Action>();
        foreach (var pending in _pending)
        {
            if (match(pending))
            {
                taken.Add(pending.Delete);
            }
        }

        _pending.RemoveAll(match);
        return taken;
    }

    private void Run(List<Action> deletions)
    {
        lock (_running)
        {
            foreach (var delete in deletions)
            {
                delete();
            }
        }
    }

    private readonly record struct Pending(string Directory, long BaseOffset, long DueMs, Action Delete);
}
