using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using StateLog.Storage.IO;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>
/// Random reads of a closed segment's bytes for the key-index pass, which reads batch headers and live records
/// scattered over the file: on the real file system a read-only memory map (a read costs a copy of the bytes asked
/// for and at most a page fault, never a system call, and pages holding only dead records are never touched);
/// elsewhere (in-memory test storage) positioned reads through <see cref="IStorage"/>. The map lives only while one
/// source segment is read, and is gone before the swap renames the file.
/// </summary>
internal sealed class SegmentView : IDisposable
{
    private readonly LogSegment _segment;
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;

    private SegmentView(LogSegment segment, MemoryMappedFile? map, MemoryMappedViewAccessor? view, long length)
    {
        _segment = segment;
        _map = map;
        _view = view;
        Length = length;
    }

    /// <summary>The bytes that can be read: the segment's size, or less if the file is shorter.</summary>
    public long Length { get; }

    /// <summary>A view of <paramref name="segment"/>, which the caller holds a reference to.</summary>
    public static SegmentView Open(IStorage storage, LogSegment segment)
    {
        var size = segment.Size;
        if (storage is not OsStorage || size == 0)
        {
            return new SegmentView(segment, null, null, size);
        }

        var file = new FileStream(segment.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        var length = Math.Min(size, file.Length);
        if (length == 0)
        {
            file.Dispose();
            return new SegmentView(segment, null, null, 0);
        }

        var map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        return new SegmentView(segment, map, map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length);
    }

    /// <summary>Copies <c>destination.Length</c> bytes from <paramref name="position"/>; a <see cref="CorruptLogException"/> if the file ends first.</summary>
    public void Read(long position, Span<byte> destination)
    {
        if (position + destination.Length > Length)
        {
            throw new CorruptLogException(_segment.LogPath, position, $"a batch is cut short: {destination.Length} bytes needed, {Math.Max(0, Length - position)} left");
        }

        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(_view.PointerOffset + position), destination);
        }
        else if (_segment.Read(position, destination) < destination.Length)
        {
            throw new CorruptLogException(_segment.LogPath, position, "a batch is cut short");
        }
    }

    public void Dispose()
    {
        _view?.Dispose();
        _map?.Dispose();
    }
}
