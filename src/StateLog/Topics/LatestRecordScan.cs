using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Storage;
using StateLog.Storage.Segments;

namespace StateLog;

/// <summary>
/// <see cref="TopicLog.GetAllAsync"/>: each partition's latest live records, a chunk at a time. Which records are latest
/// comes from a snapshot of the partition's key index taken when its turn starts (records appended since are checked
/// as they are met), so nothing here locks or hashes per record. Each key appears once with its latest value as of
/// that snapshot; a key written during the scan may also appear with its newer value.
/// </summary>
/// <remarks>
/// Written out rather than as an <c>async</c> iterator: nothing in it waits, and a scan usually runs once in a
/// process, so its per-record step is compiled optimized from the start instead of passing through the unoptimized
/// tier for most of the scan.
/// </remarks>
internal sealed class LatestRecordScan(IReadOnlyList<PartitionLog> partitions, CancellationToken scanCancellation) : IAsyncEnumerable<LogRecord>
{
    /// <summary>Starts a scan; both this token and the one <see cref="TopicLog.GetAllAsync"/> was given stop it.</summary>
    public IAsyncEnumerator<LogRecord> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(partitions, scanCancellation, cancellationToken);

    private sealed class Enumerator(IReadOnlyList<PartitionLog> partitions, CancellationToken first, CancellationToken second) : IAsyncEnumerator<LogRecord>
    {
        private readonly List<LogRecord> _records = new();
        private int _partition;
        private LiveOffsets? _live;
        private long _next;
        private int _index;

        public LogRecord Current { get; private set; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public ValueTask<bool> MoveNextAsync()
        {
            try
            {
                while (++_index >= _records.Count)
                {
                    if (!ReadChunk())
                    {
                        return new(false);
                    }
                }

                Current = _records[_index];
                return new(true);
            }
            catch (Exception e)
            {
                return ValueTask.FromException<bool>(e); // as an async iterator reports it
            }
        }

        /// <summary>Ends the scan: later calls to <see cref="MoveNextAsync"/> return false.</summary>
        public ValueTask DisposeAsync()
        {
            _partition = partitions.Count;
            _records.Clear();
            _index = 0;
            ReleaseLive();
            return ValueTask.CompletedTask;
        }

        /// <summary>Reads the next chunk of latest records into the list; false at the end of the last partition.</summary>
        private bool ReadChunk()
        {
            while (_partition < partitions.Count)
            {
                var partition = partitions[_partition];
                if (_live is null)
                {
                    _live = partition.TakeLiveOffsets();
                    _next = 0;
                }

                if (_next < 0)
                {
                    _partition++;
                    ReleaseLive();
                    continue;
                }

                first.ThrowIfCancellationRequested();
                second.ThrowIfCancellationRequested();
                _records.Clear();
                _index = -1;
                _next = partition.ReadLatestChunk(_next, _live, _records);
                if (_records.Count > 0)
                {
                    return true;
                }
            }

            return false;
        }

        private void ReleaseLive()
        {
            _live?.Release();
            _live = null;
        }
    }
}
