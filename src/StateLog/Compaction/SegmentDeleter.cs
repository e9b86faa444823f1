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
/// open, as Kafka does at startup. A later swap can reuse a segment's <c>.deleted</c> names; each swap claims them
/// (<see cref="Claim"/>), and only the latest claim's deletion removes them.
/// </summary>
internal sealed class SegmentDeleter : IDisposable
{
    /// <summary>The longest wait a timer is armed for (timers take at most about 49 days); a later deletion re-arms.</summary>
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(1);

    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly object _running = new();
    private readonly List<Pending> _pending = new();

    /// <summary>The latest claim on each segment's <c>.deleted</c> names (<see cref="Claim"/>); under <see cref="_running"/>.</summary>
    private readonly Dictionary<(string Directory, long BaseOffset), NameClaim> _owners = new();
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
    /// Claims the <c>.deleted</c> names of segment <paramref name="baseOffset"/> in <paramref name="directory"/> for a
    /// swap about to rename that segment's files to them (a later pass reuses a base offset: a group keeps its first
    /// segment's). An earlier swap's deletion of those names still waiting runs now, and one the timer is running
    /// finishes first. One that a reader still holds back finds its claim superseded when it comes due and leaves the
    /// names to the new files (the rename replaced its own). Returns the claim to pass to <see cref="Schedule"/>.
    /// </summary>
    public NameClaim Claim(string directory, long baseOffset)
    {
        lock (_running)
        {
            List<Pending> due;
            lock (_gate)
            {
                due = Take(p => p.BaseOffset == baseOffset && p.Directory == directory);
            }

            Run(due);
            var names = (directory, baseOffset);
            var claim = new NameClaim(_owners.TryGetValue(names, out var previous) ? previous : null);
            _owners[names] = claim;
            return claim;
        }
    }

    /// <summary>
    /// Gives back a claim whose swap failed before renaming its segment: the claim it superseded (an earlier swap's
    /// deletion a reader holds back, or one that came due meanwhile and was skipped) owns the names again, so those
    /// files still go.
    /// </summary>
    public void Unclaim(string directory, long baseOffset, NameClaim claim)
    {
        lock (_running)
        {
            var names = (directory, baseOffset);
            if (_owners.TryGetValue(names, out var owner) && owner == claim)
            {
                if (claim.Superseded is { } previous)
                {
                    _owners[names] = previous;
                    if (previous.Skipped is { } skipped)
                    {
                        // Its deletion came due while the failed swap owned the names, and was skipped: due again now.
                        previous.Skipped = null;
                        Enqueue(skipped);
                    }
                }
                else
                {
                    _owners.Remove(names);
                }
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="delete"/> (which deletes the <c>.deleted</c> files of segment <paramref name="baseOffset"/>
    /// in <paramref name="directory"/>, named under <paramref name="claim"/>) on the timer at <paramref name="dueMs"/>
    /// (at once if that has passed), or now if the deleter is closed; not at all if a later swap has claimed the names
    /// since. A reader letting go of a replaced segment calls this: it never waits for unlinks, its own or others'.
    /// </summary>
    public void Schedule(string directory, long baseOffset, NameClaim claim, long dueMs, Action delete) =>
        Enqueue(new Pending(directory, baseOffset, claim, dueMs, delete));

    /// <summary>Stops the timer and runs every pending deletion now; later ones run at once.</summary>
    public void Dispose()
    {
        List<Pending> all;
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

    /// <summary>Queues <paramref name="pending"/> for its due time, or runs it now once the deleter is closed.</summary>
    private void Enqueue(Pending pending)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _pending.Add(pending);
                Arm();
                return;
            }
        }

        Run([pending]);
    }

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

        var wait = next - NowMs;
        if (wait <= 0)
        {
            // Not through the timer: a timer provider may run a callback due now on this thread, under _gate, and
            // RunDue takes _running, which Claim holds while it waits for _gate.
            ThreadPool.UnsafeQueueUserWorkItem(static deleter => deleter.RunDue(), this, preferLocal: false);
            return;
        }

        _timer ??= _time.CreateTimer(static state => ((SegmentDeleter)state!).RunDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(TimeSpan.FromMilliseconds(Math.Min(wait, (long)MaxTimerWait.TotalMilliseconds)), Timeout.InfiniteTimeSpan);
    }

    private void RunDue()
    {
        // Held from the take to the end of the run, so Dispose (which runs under it too) returns only after deletions
        // this timer took: none runs after the engine closed.
        lock (_running)
        {
            List<Pending> due;
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
    private List<Pending> Take(Predicate<Pending> match)
    {
        var taken = _pending.FindAll(match);
        _pending.RemoveAll(match);
        return taken;
    }

    /// <summary>Runs each deletion whose claim is still the latest on its names.</summary>
    private void Run(List<Pending> deletions)
    {
        // Under _running, as Claim is: a claim lands either before a deletion's check (which then skips) or after its
        // unlinks, never between them.
        lock (_running)
        {
            foreach (var pending in deletions)
            {
                var names = (pending.Directory, pending.BaseOffset);
                if (_owners.TryGetValue(names, out var owner) && owner == pending.Claim)
                {
                    _owners.Remove(names);
                    pending.Delete();
                }
                else
                {
                    pending.Claim.Skipped = pending; // kept in case the later claim is given back (Unclaim)
                }
            }
        }
    }

    internal readonly record struct Pending(string Directory, long BaseOffset, NameClaim Claim, long DueMs, Action Delete);

    /// <summary>One swap's claim on a segment's <c>.deleted</c> names, and the claim it superseded.</summary>
    internal sealed class NameClaim(NameClaim? superseded)
    {
        public NameClaim? Superseded { get; } = superseded;

        /// <summary>This claim's deletion, when it came due while a later claim owned the names; under <c>_running</c>.</summary>
        public Pending? Skipped { get; set; }
    }
}
