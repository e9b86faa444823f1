using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using StateLog.Storage.IO;
using StateLog.Storage.Records;

namespace StateLog.Storage.Segments;

/// <summary>What <see cref="BatchScanner.Next"/> found at the current position.</summary>
internal enum ScanResult
{
    /// <summary>A whole batch is in <see cref="BatchScanner.Current"/>.</summary>
    Batch,

    /// <summary>The end of the range, exactly on a batch boundary.</summary>
    End,

    /// <summary>A partial batch at the end: fewer bytes than its header announces (a torn tail).</summary>
    Incomplete,

    /// <summary>Bytes that cannot be a batch (see <see cref="BatchScanner.Problem"/>).</summary>
    Corrupt,
}

/// <summary>
/// Reads the batches of a file in order through one pooled read-ahead buffer: recovery, index rebuilds, reads,
/// verification and the cleaner all walk segments with it.
/// </summary>
internal sealed class BatchScanner : IDisposable
{
    private readonly IStorageFile _file;
    private readonly long _end;
    private readonly int _maxBatchBytes;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private int _currentLength;

    /// <param name="file">The <c>.log</c> file.</param>
    /// <param name="start">The position of the first batch to read.</param>
    /// <param name="end">Where reading stops (the file length, or the size readers may see).</param>
    /// <param name="maxBatchBytes">A declared batch size above this is corruption, not a reason to allocate.</param>
    /// <param name="bufferBytes">The read-ahead size.</param>
    public BatchScanner(IStorageFile file, long start, long end, int maxBatchBytes, int bufferBytes = 256 * 1024)
    {
        _file = file;
        _end = end;
        _maxBatchBytes = maxBatchBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferBytes);
        Position = start;
        _bufferStart = start;
    }

    /// <summary>The file position of <see cref="Current"/>, or of the problem found.</summary>
    public long Position { get; private set; }

    /// <summary>The batch found by the last <see cref="Next"/> that returned <see cref="ScanResult.Batch"/>.</summary>
    public ReadOnlySpan<byte> Current => _buffer.AsSpan((int)(Position - _bufferStart), _currentLength);

    /// <summary>Why the last <see cref="Next"/> returned <see cref="ScanResult.Corrupt"/>.</summary>
    public string? Problem { get; private set; }

    /// <summary>Moves to the next batch. With <paramref name="verify"/> the CRC and the header are checked too.</summary>
    public ScanResult Next(bool verify)
    {
        Position += _currentLength;
        _currentLength = 0;
        var remaining = _end - Position;
        if (remaining == 0)
        {
            return ScanResult.End;
        }

        if (remaining < BatchLayout.LogOverhead || !Fill(BatchLayout.LogOverhead))
        {
            return ScanResult.Incomplete;
        }

        var head = _buffer.AsSpan((int)(Position - _bufferStart));
        var length = BinaryPrimitives.ReadInt32BigEndian(head[BatchLayout.Length..]);
        if (BatchLayout.LengthProblem(length, _maxBatchBytes) is { } problem)
        {
            return Fail(problem);
        }

        var total = (long)length + BatchLayout.LogOverhead;

        if (total > remaining || !Fill((int)total))
        {
            return ScanResult.Incomplete;
        }

        _currentLength = (int)total;
        if (verify)
        {
            try
            {
                new RecordBatch(Current).Validate();
            }
            catch (InvalidDataException e)
            {
                _currentLength = 0;
                return Fail(e.Message);
            }
        }
        else if (Current[BatchLayout.Magic] is var magic && magic != BatchLayout.CurrentMagic)
        {
            _currentLength = 0;
            return Fail($"magic byte {magic}, expected {BatchLayout.CurrentMagic}");
        }

        return ScanResult.Batch;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private ScanResult Fail(string problem)
    {
        Problem = problem;
        return ScanResult.Corrupt;
    }

    /// <summary>Makes <paramref name="count"/> bytes from <see cref="Position"/> available in the buffer; false if the file ends first.</summary>
    private bool Fill(int count)
    {
        var offsetInBuffer = Position - _bufferStart;
        if (offsetInBuffer + count <= _bufferLength)
        {
            return true;
        }

        if (count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(count);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        _bufferStart = Position;
        var toRead = (int)Math.Min(_buffer.Length, _end - Position);
        _bufferLength = _file.Read(Position, _buffer.AsSpan(0, toRead));
        return _bufferLength >= count;
    }
}
