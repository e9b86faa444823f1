using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.Threading;
using StateLog.Storage.IO;

namespace StateLog.Storage.Segments;

/// <summary>
/// One segment: a <c>.log</c> file of record batches starting at <see cref="BaseOffset"/>, with its sparse offset and
/// time indexes held in memory and written whole when the segment is sealed. Reference-counted so that a cleaner swap
/// or a truncation never closes a file under a reader: the files go when the last reader lets go.
/// </summary>
internal sealed class LogSegment
{
    /// <summary>How much of the cleaner's output a segment gathers before it writes (<see cref="CreateCleaned"/>).</summary>
    private const int GatherBytes = 1024 * 1024;

    /// <summary>
    /// Every this many bytes written, a segment asks the system to start writing them to the device
    /// (<see cref="IStorageFile.StartWriteback"/>), as RocksDB's <c>bytes_per_sync</c>: the device works while appends
    /// go on, and the next fsync finds little left. Linux's own writeback starts only once dirty pages pass its
    /// background threshold (a tenth of available memory) or are 30 s old, so an fsync after the benchmark's 240 MB of
    /// buffered appends wrote nearly all of them (55 to 70 ms; 2 to 3 ms with this).
    /// </summary>
    internal const int WritebackBytes = 4 * 1024 * 1024;

    /// <summary>
    /// How far behind the end writeback stays, in whole pages, as RocksDB's range sync does: the last page written is
    /// usually partly filled, and a page under writeback that the next append dirties again is written twice (and on
    /// file systems that keep pages stable during writeback, the append waits for it).
    /// </summary>
    internal const int WritebackLagBytes = 1024 * 1024;

    private const int PageBytes = 4096;

    private readonly IStorage _storage;
    private readonly IStorageFile _log;
    private readonly int _indexIntervalBytes;
    private long _size;
    private int _bytesSinceIndexEntry;
    private int _references = 1;
    private Action? _afterLastRelease;
    private SegmentMapping? _mapping;
    private bool _unmappable;
    private byte[]? _gathered;
    private int _gatheredLength;

    /// <summary>Where the bytes whose writeback has not been started begin (<see cref="WritebackBytes"/>).</summary>
    private long _writebackFrom;

    /// <summary>A failure starting writeback, which every <see cref="Sync"/> from then on reports: the bytes it covered may never reach the device.</summary>
    private IOException? _writebackFailure;

    private LogSegment(IStorage storage, string directory, long baseOffset, IStorageFile log, int indexIntervalBytes)
    {
        _storage = storage;
        Directory = directory;
        BaseOffset = baseOffset;
        _log = log;
        _indexIntervalBytes = indexIntervalBytes;
        _size = log.Length;
        _writebackFrom = _size;
        NextOffset = baseOffset;
    }

    public string Directory { get; }

    public long BaseOffset { get; }

    public string LogPath => _log.Path;

    /// <summary>Bytes of whole batches readers may see (for a cleaned segment before its <see cref="Sync"/>, gathered bytes not yet in the file count too).</summary>
    public long Size => Volatile.Read(ref _size);

    /// <summary>One past the last offset of the last batch; the base offset when empty.</summary>
    public long NextOffset { get; private set; }

    public long MaxTimestamp { get; private set; } = -1;

    /// <summary>The last offset of the batch that holds <see cref="MaxTimestamp"/> (Kafka's v2 shallow offset).</summary>
    public long OffsetOfMaxTimestamp { get; private set; }

    /// <summary>The timestamp of the first batch appended (Kafka rolls by age from it), or null while empty.</summary>
    public long? FirstBatchTimestamp { get; private set; }

    /// <summary>
    /// Whether every offset from the base offset to the last is present, batch after batch, as appends leave a segment
    /// (the cleaner's output has gaps). Kafka's CRC does not cover a batch's base offset, so reads of a dense segment
    /// check that offsets continue exactly, and a damaged base offset is reported instead of shifting offsets.
    /// </summary>
    public bool IsDense { get; private set; } = true;

    public SegmentIndex OffsetIndex { get; private set; } = SegmentIndex.NewOffsetIndex();

    public SegmentIndex TimeIndex { get; private set; } = SegmentIndex.NewTimeIndex();

    public static LogSegment Create(IStorage storage, string directory, long baseOffset, int indexIntervalBytes) =>
        new(storage, directory, baseOffset, storage.Open(SegmentFiles.Log(directory, baseOffset), create: true), indexIntervalBytes);

    public static LogSegment Open(IStorage storage, string directory, long baseOffset, int indexIntervalBytes) =>
        new(storage, directory, baseOffset, storage.Open(SegmentFiles.Log(directory, baseOffset), create: false), indexIntervalBytes);

    /// <summary>
    /// Creates the cleaner's output segment as <c>&lt;base&gt;.log.cleaned</c>, emptying a stale one; the swap gives it
    /// its final name. Its batches are gathered and written a mebibyte at a time until <see cref="Sync"/>: a cleaned
    /// batch is a few kilobytes, and each small write into a new file costs a system call and makes the file system
    /// zero the rest of every page it starts (a fifth of a pass's kernel time when written batch by batch). Nothing
    /// reads the segment before the cleaner syncs it and swaps it in.
    /// </summary>
    public static LogSegment CreateCleaned(IStorage storage, string directory, long baseOffset, int indexIntervalBytes)
    {
        var file = storage.Open(SegmentFiles.Log(directory, baseOffset) + SegmentFiles.CleanedSuffix, create: true);
        file.SetLength(0);
        return new(storage, directory, baseOffset, file, indexIntervalBytes) { _gathered = ArrayPool<byte>.Shared.Rent(GatherBytes) };
    }

    /// <summary>Appends one whole batch at the end of the file (or of what is gathered to go there); the caller serialises appends.</summary>
    public void Append(ReadOnlySpan<byte> batch, long lastOffset, long maxTimestamp)
    {
        var position = Size;
        if (_gathered is { } gathered && batch.Length <= gathered.Length)
        {
            if (_gatheredLength + batch.Length > gathered.Length)
            {
                WriteGathered();
            }

            batch.CopyTo(gathered.AsSpan(_gatheredLength));
            _gatheredLength += batch.Length;
        }
        else
        {
            WriteGathered();
            Write(position, batch);
        }

        Track(position, batch.Length, BinaryPrimitives.ReadInt64BigEndian(batch), lastOffset, maxTimestamp);
        Volatile.Write(ref _size, position + batch.Length);
    }

    /// <summary>Records a batch already in the file (found by recovery or the cleaner) in the indexes and counters.</summary>
    public void Track(long position, int batchBytes, long baseOffset, long lastOffset, long maxTimestamp)
    {
        if (baseOffset != NextOffset)
        {
            IsDense = false;
        }

        if (_bytesSinceIndexEntry > _indexIntervalBytes)
        {
            OffsetIndex.Append(lastOffset - BaseOffset, (int)position);
            TimeIndex.Append(MaxTimestamp, (int)(OffsetOfMaxTimestamp - BaseOffset));
            _bytesSinceIndexEntry = 0;
        }

        _bytesSinceIndexEntry += batchBytes;
        FirstBatchTimestamp ??= maxTimestamp;
        if (maxTimestamp > MaxTimestamp)
        {
            MaxTimestamp = maxTimestamp;
            OffsetOfMaxTimestamp = lastOffset;
        }

        NextOffset = lastOffset + 1;
        if (position + batchBytes > _size)
        {
            Volatile.Write(ref _size, position + batchBytes);
        }
    }

    /// <summary>Forgets the in-memory indexes before recovery re-tracks every batch.</summary>
    public void ResetIndexes()
    {
        OffsetIndex.Clear();
        TimeIndex.Clear();
        _bytesSinceIndexEntry = 0;
        MaxTimestamp = -1;
        FirstBatchTimestamp = null;
        NextOffset = BaseOffset;
        IsDense = true;
        Volatile.Write(ref _size, 0);
    }

    /// <summary>Adopts indexes loaded from disk for a segment that needs no recovery.</summary>
    public void AdoptIndexes(SegmentIndex offsetIndex, SegmentIndex timeIndex, long nextOffset, long maxTimestamp, long offsetOfMaxTimestamp, long? firstBatchTimestamp, bool isDense)
    {
        IsDense = isDense;
        OffsetIndex = offsetIndex;
        TimeIndex = timeIndex;
        NextOffset = nextOffset;
        MaxTimestamp = maxTimestamp;
        OffsetOfMaxTimestamp = offsetOfMaxTimestamp;
        FirstBatchTimestamp = firstBatchTimestamp;
        _bytesSinceIndexEntry = 0;
    }

    /// <summary>
    /// Where to start scanning for <paramref name="offset"/> (from the sparse index), and the last offset of the batch
    /// found there (-1 at the start of the file), which a reader checks against what it reads.
    /// </summary>
    public (long Position, long LastOffset) PositionFor(long offset)
    {
        if (offset > BaseOffset && OffsetIndex.TryFloor(offset - BaseOffset, out var relative, out var position))
        {
            return (position, BaseOffset + relative);
        }

        return (0, -1);
    }

    public int Read(long position, Span<byte> buffer) => _log.Read(position, buffer);

    /// <summary>
    /// Reads from this sealed segment's memory map, if it has one, without the caller holding a reference: the map
    /// stays mapped until the copy is done. False when there is no map (yet), or it was closed meanwhile.
    /// </summary>
    public bool TryReadMapped(long position, Span<byte> buffer) => Volatile.Read(ref _mapping) is { } mapping && mapping.TryRead(position, buffer);

    /// <summary>Whether point reads are served from a memory map of this segment now.</summary>
    public bool IsMapped => Volatile.Read(ref _mapping) is not null;

    /// <summary>
    /// Reads <paramref name="buffer"/>'s length of bytes at <paramref name="position"/> of a <b>sealed</b> segment the
    /// caller holds a reference to, from a memory map made on first use; one <c>pread</c> when the segment cannot be
    /// mapped. Returns the bytes read. Only for bytes a key-index location points at (<see cref="SegmentMapping"/>
    /// says why those are safe to read through a map).
    /// </summary>
    public int ReadSealed(long position, Span<byte> buffer)
    {
        var mapping = Volatile.Read(ref _mapping) ?? MapOnce();
        return mapping is not null && mapping.TryRead(position, buffer) ? buffer.Length : _log.Read(position, buffer);
    }

    public IStorageFile File => _log;

    /// <summary>Writes what is gathered, then fsyncs; a cleaned segment is whole from then on and gathers no more.</summary>
    public void Sync()
    {
        WriteGathered();
        ReturnGathered();
        _log.Sync();
        if (Volatile.Read(ref _writebackFailure) is { } failure) // set on the writing thread, read by whichever flushes
        {
            throw new IOException($"Writing '{LogPath}' back to the device failed earlier: {failure.Message}", failure);
        }
    }

    /// <summary>Cuts the file at <paramref name="position"/> (a batch boundary found by recovery).</summary>
    public void TruncateTo(long position)
    {
        _log.SetLength(position);
        Volatile.Write(ref _size, Math.Min(Size, position));
        _writebackFrom = Math.Min(_writebackFrom, position);
    }

    /// <summary>Writes both index files whole and fsyncs them (when the segment is sealed or the log closes cleanly).</summary>
    public void WriteIndexes()
    {
        SealTimeIndex();
        WriteIndex(SegmentFiles.Index(Directory, BaseOffset), OffsetIndex);
        WriteIndex(SegmentFiles.TimeIndex(Directory, BaseOffset), TimeIndex);
    }

    /// <summary>Adds Kafka's final time-index entry (max timestamp, its offset), as when a segment becomes inactive.</summary>
    public void SealTimeIndex()
    {
        if (MaxTimestamp >= 0)
        {
            TimeIndex.Append(MaxTimestamp, (int)(OffsetOfMaxTimestamp - BaseOffset));
        }
    }

    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            // No reader holds the segment and none can acquire it any more; a lock-free copy out of the map may still
            // be in flight, and the map's Dispose waits for it.
            ReturnGathered();
            Interlocked.Exchange(ref _mapping, null)?.Dispose();
            _log.Dispose();
            _afterLastRelease?.Invoke();
        }
    }

    /// <summary>Drops the log's own reference; <paramref name="afterLastRelease"/> (e.g. deleting the files) runs once no reader holds the segment.</summary>
    public void Retire(Action? afterLastRelease)
    {
        _afterLastRelease = afterLastRelease;
        Release();
    }

    /// <summary>Maps the segment's bytes once (a sealed segment's size no longer changes); null when it cannot be mapped.</summary>
    private SegmentMapping? MapOnce()
    {
        lock (_log)
        {
            if (_mapping is null && !_unmappable)
            {
                var size = Size;
                if (size == 0 || !SegmentMapping.CanMap(_log))
                {
                    _unmappable = true;
                    return null;
                }

                try
                {
                    Volatile.Write(ref _mapping, SegmentMapping.Map(_log, 0, size));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    // Out of address space or map count, or a file shorter than the segment thinks (a damaged
                    // disk): reads fall back to pread, which reports a short file as corruption.
                    _unmappable = true;
                }
            }

            return _mapping;
        }
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> at <paramref name="position"/>, then starts writeback of the next
    /// <see cref="WritebackBytes"/> or more once they lie <see cref="WritebackLagBytes"/> behind the end, up to a page
    /// boundary.
    /// </summary>
    private void Write(long position, ReadOnlySpan<byte> bytes)
    {
        _log.Write(position, bytes);
        var until = (position + bytes.Length - WritebackLagBytes) & ~(long)(PageBytes - 1);
        if (until - _writebackFrom >= WritebackBytes)
        {
            try
            {
                _log.StartWriteback(_writebackFrom, until - _writebackFrom);
            }
            catch (IOException e)
            {
                // Bytes already acknowledged may be lost: the next durability point fails instead of this append.
                Interlocked.CompareExchange(ref _writebackFailure, e, null);
            }

            _writebackFrom = until;
        }
    }

    /// <summary>Writes the gathered batches where they belong: they are the last bytes the segment's size counts.</summary>
    private void WriteGathered()
    {
        if (_gatheredLength > 0)
        {
            Write(Size - _gatheredLength, _gathered.AsSpan(0, _gatheredLength));
            _gatheredLength = 0;
        }
    }

    private void ReturnGathered()
    {
        if (_gathered is { } gathered)
        {
            _gathered = null;
            _gatheredLength = 0;
            ArrayPool<byte>.Shared.Return(gathered);
        }
    }

    private void WriteIndex(string path, SegmentIndex index)
    {
        var bytes = index.Serialize();
        using var file = _storage.Open(path, create: true);
        file.SetLength(0);
        file.Write(0, bytes);
        file.Sync();
    }
}
