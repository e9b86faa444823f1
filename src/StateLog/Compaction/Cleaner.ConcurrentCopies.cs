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
/// not: they stay on the pass's thread, one group at a time in offset order, each as soon as its copy is done. So the
/// log goes through the same states as under a pass that copies its groups in turn, and a failure ends the pass where
/// that one would end: the groups before the failed one are swapped, the copies after it are discarded, and the failure
/// is the one thrown.
/// </summary>
internal sealed partial class Cleaner
{
    private void CleanGroupsConcurrently(PartitionLog log, List<LogSegment[]> groups, LiveRecords live, long nowMs, long upperBound, CleanStats stats, CancellationToken cancellationToken)
    {
        var copies = new GroupCopies(groups.Count);
        var helpers = new Task[Math.Min(_copyThreads, groups.Count) - 1];
        for (var i = 0; i < helpers.Length; i++)
        {
            // Threads of their own: the pass's thread-pool thread waits on them, which must not wait for the pool to grow.
            helpers[i] = Task.Factory.StartNew(
                () =>
                {
                    using var helper = new Cleaner(_throttler, _maxMapEntries, _keyIndexPasses, _deleter);
                    for (var g = copies.TakeNext(); g >= 0; g = copies.TakeNext())
                    {
                        helper.CopyInto(copies, g, log, groups[g], live, nowMs, upperBound, cancellationToken);
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        try
        {
            var swapped = 0;
            while (swapped < groups.Count)
            {
                var g = copies.TakeNext();
                if (g >= 0)
                {
                    CopyInto(copies, g, log, groups[g], live, nowMs, upperBound, cancellationToken);
                }

                // Swap what is copied, in order; wait for a copy only when none is left to take.
                while (swapped < groups.Count && (g < 0 || copies.IsDone(swapped)))
                {
                    var (output, copyStats) = copies.Take(swapped);
                    stats.AddCopy(copyStats);
                    SwapGroup(log, groups[swapped], output, stats);
                    swapped++;
                }
            }
        }
        finally
        {
            copies.Stop();
            Task.WaitAll(helpers); // they never throw: a copy's failure is its outcome
            foreach (var output in copies.Untaken())
            {
                Discard(log, output.Segment);
            }
        }
    }

    /// <summary>Copies group <paramref name="g"/> with this cleaner and hands <paramref name="copies"/> the outcome, success or failure.</summary>
    private void CopyInto(GroupCopies copies, int g, PartitionLog log, LogSegment[] group, LiveRecords live, long nowMs, long upperBound, CancellationToken cancellationToken)
    {
        try
        {
            var stats = new CleanStats();
            copies.Complete(g, CopyGroup(log, group, null, live, nowMs, upperBound, stats, cancellationToken), stats);
        }
        catch (Exception e)
        {
            copies.Fail(g, e);
        }
    }

    /// <summary>
    /// A pass's groups handed out to the threads that copy them, in offset order, and the outcomes of their copies for
    /// the pass's thread to take in that order. Once a copy fails no more groups are handed out; the groups before it
    /// were all handed out earlier, so every group the pass's thread waits for has a copy under way.
    /// </summary>
    private sealed class GroupCopies(int count)
    {
        private readonly Outcome?[] _outcomes = new Outcome?[count];
        private int _next = -1;
        private volatile bool _stopped;

        /// <summary>The next group to copy, or -1 when every group is taken or the pass is stopping.</summary>
        public int TakeNext()
        {
            if (_stopped)
            {
                return -1;
            }

            var g = Interlocked.Increment(ref _next);
            return g < _outcomes.Length ? g : -1;
        }

        public void Complete(int g, GroupOutput output, CleanStats stats) => Set(g, new Outcome(output, stats, null));

        public void Fail(int g, Exception failure)
        {
            _stopped = true;
            Set(g, new Outcome(null, null, ExceptionDispatchInfo.Capture(failure)));
        }

        public bool IsDone(int g)
        {
            lock (_outcomes)
            {
                return _outcomes[g] is not null;
            }
        }

        /// <summary>Waits for group <paramref name="g"/>'s copy and hands it over to swap; rethrows its failure.</summary>
        public (GroupOutput Output, CleanStats Stats) Take(int g)
        {
            Outcome outcome;
            lock (_outcomes)
            {
                while (_outcomes[g] is null)
                {
                    Monitor.Wait(_outcomes);
                }

                outcome = _outcomes[g]!;
                _outcomes[g] = Outcome.Taken;
            }

            outcome.Failure?.Throw();
            return (outcome.Output!, outcome.Stats!);
        }

        /// <summary>Hands out no more groups.</summary>
        public void Stop() => _stopped = true;

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

        private void Set(int g, Outcome outcome)
        {
            lock (_outcomes)
            {
                _outcomes[g] = outcome;
                Monitor.PulseAll(_outcomes);
            }
        }

        private sealed record Outcome(GroupOutput? Output, CleanStats? Stats, ExceptionDispatchInfo? Failure)
        {
            public static readonly Outcome Taken = new(null, null, null);
        }
    }
}
