using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using StateLog.Storage.IO;

namespace StateLog.Storage.Segments;

/// <summary>
/// A read-only memory map of a sealed segment's <c>.log</c> file, so a point read copies its record out of the page
/// cache without a system call. Only the bytes below <see cref="Length"/> (the segment's size when it was mapped) are
/// ever read through it.
/// </summary>
/// <remarks>
/// Touching a mapped page that lies wholly past the end of the file raises SIGBUS, which kills the process, so the
/// map is only read where the file can never have been cut:
/// <list type="bullet">
/// <item>Recovery truncates a torn tail before the partition serves any read.</item>
/// <item>A failed append round (<c>UndoRound</c>) cuts back only bytes written by that round, and the key index
///   learns a round's records only after the round succeeded, so no key-index location ever points into bytes that
///   can be cut; point reads, the only reader of the map, read nothing else.</item>
/// <item>The cleaner never shortens a segment in the list: it writes a new file and swaps it in, and the old
///   segment (with its map) lives until its last reader releases it.</item>
/// </list>
/// A file cut by another process while the engine holds the data directory's lock is outside that contract (as it is
/// for every embedded store that maps its files); the record checksum still catches any bytes changed in place.
/// Windows refuses to rename or delete a mapped file (the cleaner's swap renames old segments while readers may
/// hold them), so segments are mapped only on Unix.
/// </remarks>
internal sealed class SegmentMapping : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private unsafe byte* _pinned;

    private unsafe SegmentMapping(MemoryMappedFile file, MemoryMappedViewAccessor view, long start, long length, bool owned)
    {
        _file = file;
        _view = view;
        Start = start;
        Length = length;
        if (owned)
        {
            byte* first = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref first);
            _pinned = first + _view.PointerOffset;
        }
    }

    /// <summary>The file position of the first byte mapped.</summary>
    public long Start { get; }

    /// <summary>The bytes mapped, from <see cref="Start"/>.</summary>
    public long Length { get; }

    /// <summary>Whether segments of <paramref name="file"/> can be mapped here: a real file on a Unix-like system.</summary>
    public static bool CanMap(IStorageFile file) => file is OsFile && !OperatingSystem.IsWindows();

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="file"/> from <paramref name="start"/> (see <see cref="CanMap"/>).</summary>
    /// <exception cref="IOException">The system refused the map (address space, limits).</exception>
    /// <exception cref="ArgumentException">The file is empty or ends before <paramref name="start"/> + <paramref name="length"/>: nothing past its end is ever mapped.</exception>
    public static SegmentMapping Map(IStorageFile file, long start, long length) => Create(file, start, length, owned: false);

    /// <summary>
    /// Maps as <see cref="Map"/> does, for one reader that disposes the map itself (the cleaner's window): the view's
    /// handle is taken once, here, until <see cref="Dispose"/>, so <see cref="Bytes"/> reads without counting it per
    /// copy. Never for a segment's shared map, which a retiring segment disposes under its readers' feet (hence the
    /// count in <see cref="TryRead"/>).
    /// </summary>
    public static SegmentMapping MapOwned(IStorageFile file, long start, long length) => Create(file, start, length, owned: true);

    private static SegmentMapping Create(IStorageFile file, long start, long length, bool owned)
    {
        var handle = ((OsFile)file).Handle;
        var map = MemoryMappedFile.CreateFromFile(handle, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        try
        {
            return new SegmentMapping(map, map.CreateViewAccessor(start, length, MemoryMappedFileAccess.Read), start, length, owned);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    /// <summary>Whether the <paramref name="length"/> bytes at file position <paramref name="position"/> are all mapped.</summary>
    public bool Covers(long position, int length) => position >= Start && position + length <= Start + Length;

    /// <summary>
    /// Copies the mapped bytes at <paramref name="position"/> into <paramref name="destination"/>; false if they are not
    /// all mapped, or the map was closed (its segment retired) before the copy began. The view's handle is counted
    /// for the length of the copy, so closing the map never unmaps bytes being copied.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every point read of a sealed segment: see PartitionLog.GetLatest
    public bool TryRead(long position, Span<byte> destination)
    {
        if (!Covers(position, destination.Length))
        {
            return false;
        }

        try
        {
            _view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(_view.PointerOffset + position - Start), destination);
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>The mapped bytes of a map made by <see cref="MapOwned"/>; not to be used once it is disposed.</summary>
    public unsafe ReadOnlySpan<byte> Bytes => _pinned != null ? new(_pinned, checked((int)Length)) : throw NotOwned();

    public unsafe void Dispose()
    {
        if (_pinned != null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _pinned = null;
        }

        _view.Dispose();
        _file.Dispose();
    }

    private static InvalidOperationException NotOwned() => new("Only a map made by MapOwned, and not yet disposed, exposes its bytes.");
}
