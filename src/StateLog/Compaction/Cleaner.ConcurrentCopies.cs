using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Storage;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>
/// A key-index pass that rewrites several groups copies them on several threads at once, as RocksDB splits a large
/// compaction into subcompactions. The copies are independent: each group becomes its own <c>.cleaned</c> segment,
/// and the pass reads only the records the key index lists, each of which lies in exactly one group. The swaps are
/// not: the pass's thread makes them, one group at a time in offset order, each as soon as its copy is done. So the
/// segment list goes through the same states as under a pass that copies its groups in turn, and a failure ends the
/// pass where that one would end: the groups before the failed one are swapped, the copies after it are discarded (no
/// more are started, and those still running are cancelled once the pass's thread reaches the failed group), and the
/// failure is the one thrown. Meanwhile the folder may hold several <c>.cleaned</c> files, which recovery deletes like one.
/// </summary>
internal sealed partial class Cleaner
{
    private void CleanGroupsConcurrently(PartitionLog log, List<LogSegment[]> groups, LiveRecords live, long nowMs, long upperBound, CleanStats stats, CancellationToken cancellationToken)
    {
        var threads = Math.Min(_copyThreads, groups.Count);
        var copies = new GroupCopies(groups.Count, maxAhead: 2 * threads);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var helpers = new List<Cleaner>(threads);
        var copying = new List<Task>(threads);
        try
        {
            for (var i = 0; i < threads; i++)
            {
                var helper = new Cleaner(_throttler, _maxMapEntries, _keyIndexPasses, _deleter);
                helpers.Add(helper);

                // Threads of their own: the pass's thread blocks on its copies, which must not wait for the thread pool to grow.
                copying.Add(Task.Factory.StartNew(
                    () => helper.CopyGroups(copies, log, groups, live, nowMs, upperBound, stop.Token),
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default));
            }

            for (var g = 0; g < groups.Count; g++)
            {
                cancellationToken.ThrowIfCancellationRequested(); // as copying in turn stops before a group
                var (output, copyStats) = copies.Take(g);
                stats.AddCopy(copyStats);
                SwapGroup(log, groups[g], output, stats);
                copies.Swapped(g);
            }

            stats.CopyThreads = threads;
        }
        finally
        {
            EndCopies(log, copies, stop, copying, helpers);
        }
    }

    /// <summary>
    /// Stops the copies, waits for them and discards what was copied and not swapped: on a failure every group before
    /// the failed one is swapped, and what is still copying is discarded anyway. A method of its own because the JIT
    /// compiles a method with a loop in a <c>finally</c> fully optimized at first call (on-stack replacement cannot
    /// reach a loop inside a handler), which took 4 ms of compiling before the copies could start.
    /// </summary>
    private static void EndCopies(PartitionLog log, GroupCopies copies, CancellationTokenSource stop, List<Task> copying, List<Cleaner> helpers)
    {
        copies.Stop();
        stop.Cancel();
        Task.WaitAll(copying); // a copy's failure is its outcome: these never throw
        foreach (var helper in helpers)
        {
            helper.Dispose();
        }

        foreach (var output in copies.Untaken())
        {
            Discard(log, output.Segment);
        }
    }

    /// <summary>Copies the groups <paramref name="copies"/> hands out, handing back each outcome, success or failure.</summary>
    private void CopyGroups(GroupCopies copies, PartitionLog log, List<LogSegment[]> groups, LiveRecords live, long nowMs, long upperBound, CancellationToken cancellationToken)
    {
        for (var g = copies.TakeNext(); g >= 0; g = copies.TakeNext())
        {
            try
            {
                var stats = new CleanStats();
                copies.Complete(g, CopyGroup(log, groups[g], null, live, nowMs, upperBound, stats, cancellationToken), stats);
            }
            catch (Exception e)
            {
                copies.Fail(g, e);
            }
        }
    }

    /// <summary>
    /// A pass's groups handed out to the threads that copy them, in offset order and at most <c>maxAhead</c> beyond the
    /// last one swapped (each copy holds its segment and key moves until its swap), and the outcomes of their copies for
    /// the pass's thread to take in that order. Once a copy fails no more groups are handed out; the groups before it
    /// were all handed out earlier, so every group the pass's thread waits for has a copy under way.
    /// </summary>
    private sealed class GroupCopies(int count, int maxAhead)
    {
        private readonly object _gate = new();
        private readonly Outcome?[] _outcomes = new Outcome?[count];
        private int _next;
        private int _swapped;
        private bool _stopped;

        /// <summary>The next group to copy, once it is no more than <c>maxAhead</c> beyond the swaps; -1 when none is left or the pass is stopping.</summary>
        public int TakeNext()
        {
            lock (_gate)
            {
                while (!_stopped && _next < _outcomes.Length && _next >= _swapped + maxAhead)
                {
                    Monitor.Wait(_gate);
                }

                return _stopped || _next >= _outcomes.Length ? -1 : _next++;
            }
        }

        public void Complete(int g, GroupOutput output, CleanStats stats) => Set(g, new Outcome(output, stats, null), stop: false);

        public void Fail(int g, Exception failure) => Set(g, new Outcome(null, null, ExceptionDispatchInfo.Capture(failure)), stop: true);

        /// <summary>Waits for group <paramref name="g"/>'s copy and hands it over to swap; rethrows its failure.</summary>
        public (GroupOutput Output, CleanStats Stats) Take(int g)
        {
            Outcome outcome;
            lock (_gate)
            {
                while (_outcomes[g] is null)
                {
                    Monitor.Wait(_gate);
                }

                outcome = _outcomes[g]!;
                _outcomes[g] = Outcome.Taken;
            }

            outcome.Failure?.Throw();
            return (outcome.Output!, outcome.Stats!);
        }

        /// <summary>Group <paramref name="g"/> is swapped in: the copies may run one group further.</summary>
        public void Swapped(int g)
        {
            lock (_gate)
            {
                _swapped = g + 1;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Hands out no more groups.</summary>
        public void Stop()
        {
            lock (_gate)
            {
                _stopped = true;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>The copies made but never taken (a taken one leaves <see cref="Outcome.Taken"/>, which holds none), once every copying thread has finished.</summary>
        public IEnumerable<GroupOutput> Untaken()
        {
            foreach (var outcome in _outcomes)
            {
                if (outcome?.Output is { } output)
                {
                    yield return output;
                }
            }
        }

        private void Set(int g, Outcome outcome, bool stop)
        {
            lock (_gate)
            {
                _outcomes[g] = outcome;
                _stopped |= stop;
                Monitor.PulseAll(_gate);
            }
        }

        private sealed record Outcome(GroupOutput? Output, CleanStats? Stats, ExceptionDispatchInfo? Failure)
        {
            public static readonly Outcome Taken = new(null, null, null);
        }
    }
}
