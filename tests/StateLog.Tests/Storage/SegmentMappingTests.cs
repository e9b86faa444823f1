using System;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Storage.IO;
using StateLog.Storage.Segments;
using Xunit;

namespace StateLog.Tests.Storage;

/// <summary>
/// A segment's shared map is read by point reads that hold no reference to the segment, and disposed when the segment
/// retires, possibly while such a read is copying: a copy either completes with the file's bytes or is refused, and
/// the bytes are never unmapped under it (which would kill the process).
/// </summary>
public sealed class SegmentMappingTests : IDisposable
{
    private const int FileBytes = 4 * 1024 * 1024;

    private readonly TempDirectory _directory = new();
    private readonly byte[] _content = new byte[FileBytes];
    private readonly IStorageFile _file;

    public SegmentMappingTests()
    {
        new Random(5).NextBytes(_content);
        _file = OsStorage.Instance.Open(_directory.Combine("00000000000000000000.log"), create: true);
        _file.Write(0, _content);
    }

    [Theory]
    [InlineData(0, 0, 61)]
    [InlineData(0, 4095, 2)] // across a page
    [InlineData(4096, 4096, 100)] // the first byte of a map that starts past the file's start
    [InlineData(4096, FileBytes - 100, 100)] // the file's last bytes
    public void TryRead_CopiesTheFilesBytes(long start, long position, int length)
    {
        using var map = SegmentMapping.Map(_file, start, FileBytes - start);
        var read = new byte[length];

        Assert.True(map.TryRead(position, read));

        Assert.True(_content.AsSpan((int)position, length).SequenceEqual(read));
    }

    [Fact]
    public void TryRead_OutsideTheMap_IsRefused()
    {
        using var map = SegmentMapping.Map(_file, 4096, 8192);

        Assert.False(map.TryRead(4095, new byte[2]));
        Assert.False(map.TryRead(4096 + 8192 - 1, new byte[2]));
        Assert.True(map.TryRead(4096 + 8192 - 2, new byte[2]));
    }

    [Fact]
    public void TryRead_AfterDispose_IsRefused_AndDisposeTwiceIsHarmless()
    {
        var map = SegmentMapping.Map(_file, 0, FileBytes);
        var owned = SegmentMapping.MapOwned(_file, 0, FileBytes);
        map.Dispose();
        owned.Dispose();
        map.Dispose();

        Assert.False(map.TryRead(0, new byte[10]));
        Assert.Throws<InvalidOperationException>(() => owned.Bytes.Length);
    }

    [Fact]
    public async Task Dispose_WaitsForTheCopiesInFlight_AndLaterCopiesAreRefused()
    {
        // Long copies (1 MiB) from several threads while the map is disposed, over and over: without the wait, a copy
        // runs into unmapped memory and the test process dies.
        const int CopyBytes = 1024 * 1024;
        var copied = 0;
        for (var round = 0; round < 40; round++)
        {
            var map = SegmentMapping.Map(_file, 0, FileBytes);
            using var started = new CountdownEvent(3);
            var readers = new Task<(int Copied, int Refused)>[3];
            for (var r = 0; r < readers.Length; r++)
            {
                var seed = (round * 10) + r;
                readers[r] = Task.Factory.StartNew(
                    () =>
                    {
                        var random = new Random(seed);
                        var buffer = new byte[CopyBytes];
                        var (copied, refused) = (0, 0);
                        started.Signal();
                        while (refused < 3)
                        {
                            var position = random.Next(FileBytes - CopyBytes);
                            if (map.TryRead(position, buffer))
                            {
                                Assert.True(_content.AsSpan(position, CopyBytes).SequenceEqual(buffer));
                                copied++;
                            }
                            else
                            {
                                refused++;
                            }
                        }

                        return (copied, refused);
                    },
                    TaskCreationOptions.LongRunning);
            }

            started.Wait();
            Thread.Sleep(round % 3); // disposed at once, or while copies are well under way
            await Task.Run(map.Dispose).WaitAsync(TimeSpan.FromSeconds(30)); // times out if Dispose waits for copies that ended
            foreach (var (n, _) in await Task.WhenAll(readers))
            {
                copied += n;
            }
        }

        Assert.True(copied > 0, "no copy ran before a dispose");
    }

    public void Dispose()
    {
        _file.Dispose();
        _directory.Dispose();
    }
}
