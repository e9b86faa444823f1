using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using StateLog.Storage.IO;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>
/// Random reads of a closed segment's bytes for the key-index pass, which reads batch headers and live records
/// scattered over the file: on the real file system through a read-only memory map (a read costs a copy of the bytes
/// asked for and at most a page fault, never a system call, and pages holding only dead records are never touched);
/// elsewhere (in-memory test storage) positioned reads through <see cref="IStorage"/>. The map is gone before the
/// swap renames the file.
/// </summary>
/// <remarks>
/// Only a window of <see cref="WindowBytes"/> is mapped at a time, moved forward as the pass walks the file: every
/// page touched through a map counts in the process's resident set until it is unmapped, so mapping a whole segment
/// (up to <c>SegmentBytes</c>, 1 GiB by default) would grow the resident set by the segment's size during a pass.
/// </remarks>
internal sealed class SegmentView : IDisposable
{
    /// <summary>Bytes mapped at once: large enough that remapping is rare, small beside a process's footprint.</summary>
    internal const long WindowBytes = 4 * 1024 * 1024;

    private readonly LogSegment _segment;
    private readonly MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private long _windowStart;
    private long _windowLength;

    private SegmentView(LogSegment segment, MemoryMappedFile? map, long length)
    {
        _segment = segment;
        _map = map;
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
            return new SegmentView(segment, null, size);
        }

        var file = new FileStream(segment.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        var length = Math.Min(size, file.Length);
        if (length == 0)
        {
            file.Dispose();
            return new SegmentView(segment, null, 0);
        }

        return new SegmentView(segment, MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false), length);
    }

    /// <summary>Copies <c>destination.Length</c> bytes from <paramref name="position"/>; a <see cref="CorruptLogException"/> if the file ends first.</summary>
    public void Read(long position, Span<byte> destination)
    {
        if (position + destination.Length > Length)
        {
            throw new CorruptLogException(_segment.LogPath, position, $"a batch is cut short: {destination.Length} bytes needed, {Math.Max(0, Length - position)} left");
        }

        if (_map is not null)
        {
            var view = MapWindow(position, destination.Length);
            view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(view.PointerOffset + position - _windowStart), destination);
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

    /// <summary>The mapped window holding [<paramref name="position"/>, +<paramref name="count"/>), moving it there if needed.</summary>
    private MemoryMappedViewAccessor MapWindow(long position, int count)
    {
        if (_view is not null && position >= _windowStart && position + count <= _windowStart + _windowLength)
        {
            return _view;
        }

        _view?.Dispose();
        _view = null;
        _windowStart = position;
        _windowLength = Math.Min(Math.Max(WindowBytes, count), Length - position);
        _view = _map!.CreateViewAccessor(_windowStart, _windowLength, MemoryMappedFileAccess.Read);
        return _view;
    }
}
