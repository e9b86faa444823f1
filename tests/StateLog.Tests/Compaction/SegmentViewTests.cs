using System;
using System.Buffers.Binary;
using System.Linq;
using StateLog.Compaction;
using StateLog.Storage.IO;
using StateLog.Storage.Segments;
using Xunit;

namespace StateLog.Tests.Compaction;

/// <summary>
/// The cleaner's <see cref="SegmentView"/> moves a mapped window of <see cref="SegmentView.WindowBytes"/> over a segment
/// and reads through a pointer taken once per window: every read must return the file's bytes wherever it falls
/// against the window's edges, and nothing is read past the segment or after the view is disposed.
/// </summary>
public sealed class SegmentViewTests : IDisposable
{
    private const int ChunkBytes = 1024 * 1024;
    private const int Chunks = 9; // over two windows and a part

    private readonly TempDirectory _directory = new();
    private readonly byte[] _content = new byte[Chunks * ChunkBytes];
    private readonly LogSegment _segment;

    public SegmentViewTests()
    {
        new Random(11).NextBytes(_content);
        _segment = LogSegment.Create(OsStorage.Instance, _directory.Path, 0, 4096);
        for (var c = 0; c < Chunks; c++)
        {
            // Appended as one "batch" a chunk: the segment reads only its base offset (its first 8 bytes).
            var chunk = _content.AsSpan(c * ChunkBytes, ChunkBytes);
            BinaryPrimitives.WriteInt64BigEndian(chunk, c * 1000L);
            _segment.Append(chunk, (c * 1000L) + 999, 0);
        }
    }

    public static TheoryData<long, int> Reads => new()
    {
        { 0, 61 },                                           // a batch header at the start
        { SegmentView.WindowBytes - 10, 100 },               // across the first window's end
        { SegmentView.WindowBytes, 1 },                      // the first byte of the next window
        { (2 * SegmentView.WindowBytes) - 1, 2 },            // one byte either side of the second window's end
        { 100, (int)SegmentView.WindowBytes + 4096 },        // larger than a window
        { (Chunks * ChunkBytes) - 50, 50 },                  // the segment's last bytes
        { (Chunks * ChunkBytes) - 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public void Read_ReturnsTheFilesBytes(long position, int length)
    {
        using var view = new SegmentView(_segment);
        var read = new byte[length];

        view.Read(position, read);

        Assert.True(_content.AsSpan((int)position, length).SequenceEqual(read));
    }

    [Fact]
    public void ManyReads_ForwardAndBack_AcrossWindows_ReturnTheFilesBytes()
    {
        using var view = new SegmentView(_segment);
        var random = new Random(5);
        var buffer = new byte[70_000];
        foreach (var position in Enumerable.Range(0, 400).Select(_ => (long)random.Next(_content.Length - buffer.Length)).Concat([0, _content.Length - buffer.Length, 0]))
        {
            var length = random.Next(1, buffer.Length);
            view.Read(position, buffer.AsSpan(0, length));
            Assert.True(_content.AsSpan((int)position, length).SequenceEqual(buffer.AsSpan(0, length)), $"at {position}, {length} bytes");
        }
    }

    [Fact]
    public void Read_PastTheSegmentsEnd_IsCorruption_AndReadsNothing()
    {
        using var view = new SegmentView(_segment);
        var read = new byte[20];

        var e = Assert.Throws<CorruptLogException>(() => view.Read(_content.Length - 10, read));

        Assert.Contains("cut short", e.Message);
        Assert.All(read, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Read_AfterDispose_Throws()
    {
        var view = new SegmentView(_segment);
        view.Read(0, new byte[10]);
        view.Dispose();

        Assert.Throws<ObjectDisposedException>(() => view.Read(0, new byte[10]));
    }

    [Fact]
    public void OwnedMap_ExposesItsBytes_AndAPointReadMapDoesNot()
    {
        using var owned = SegmentMapping.MapOwned(_segment.File, ChunkBytes, 4096);
        using var shared = SegmentMapping.Map(_segment.File, ChunkBytes, 4096);

        Assert.True(_content.AsSpan(ChunkBytes, 4096).SequenceEqual(owned.Bytes));
        Assert.Throws<InvalidOperationException>(() => shared.Bytes.Length);
    }

    public void Dispose()
    {
        _segment.Retire(null);
        _directory.Dispose();
    }
}
