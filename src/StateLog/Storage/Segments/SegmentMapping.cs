using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Threading;
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
    /// <summary>Added to <see cref="_readers"/> by <see cref="Dispose"/>; a copy that counts itself in after that sees a negative count and backs out.</summary>
    private const int Closed = int.MinValue;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly bool _owned;

    /// <summary>The first mapped byte, pinned for the map's life: a map is unmapped only by <see cref="Dispose"/> (a segment disposes its map at its last release).</summary>
    private unsafe byte* _first;

    /// <summary>The copies in flight (<see cref="TryRead"/>), plus <see cref="Closed"/> once the map is disposed.</summary>
    private int _readers;

    private int _disposed;

    private unsafe SegmentMapping(MemoryMappedFile file, MemoryMappedViewAccessor view, long start, long length, bool owned)
    {
        _file = file;
        _view = view;
        _owned = owned;
        Start = start;
        Length = length;
        byte* first = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref first);
        _first = first + _view.PointerOffset;
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
    /// Maps as <see cref="Map"/> does, for one reader that disposes the map itself (the cleaner's window), which may
    /// then read <see cref="Bytes"/> directly. Never for a segment's shared map, which a retiring segment disposes
    /// under its readers' feet (hence the count in <see cref="TryRead"/>).
    /// </summary>
    public static SegmentMapping MapOwned(IStorageFile file, long start, long length) => Create(file, start, length, owned: true);

    private static SegmentMapping Create(IStorageFile file, long start, long length, bool owned)
    {
        var handle = ((OsFile)file).Handle;
        var map = MemoryMappedFile.CreateFromFile(handle, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(start, length, MemoryMappedFileAccess.Read);
            return new SegmentMapping(map, view, start, length, owned);
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>Whether the <paramref name="length"/> bytes at file position <paramref name="position"/> are all mapped.</summary>
    public bool Covers(long position, int length) => position >= Start && position + length <= Start + Length;

    /// <summary>
    /// Copies the mapped bytes at <paramref name="position"/> into <paramref name="destination"/>; false if they are not
    /// all mapped, or the map was closed (its segment retired) before the copy began. The copy counts itself in
    /// <see cref="_readers"/> and <see cref="Dispose"/> unmaps only once no copy is in flight, so closing the map never
    /// unmaps bytes being copied.
    /// </summary>
    /// <remarks>
    /// Two interlocked adds around a plain copy. <c>SafeBuffer.ReadSpan</c>, which counted the view's handle instead,
    /// took 38 ns for a cached 120-byte copy where this takes 5, and 170 to 200 ns for one at a random place in 12 MB
    /// where this takes 33 (a plain copy: 2 and 25).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every point read of a sealed segment: see PartitionLog.GetLatest
    public unsafe bool TryRead(long position, Span<byte> destination)
    {
        if (!Covers(position, destination.Length))
        {
            return false;
        }

        if (Interlocked.Increment(ref _readers) < 0)
        {
            Interlocked.Decrement(ref _readers);
            return false;
        }

        new ReadOnlySpan<byte>(_first + (position - Start), destination.Length).CopyTo(destination);
        Interlocked.Decrement(ref _readers);
        return true;
    }

    /// <summary>The mapped bytes of a map made by <see cref="MapOwned"/>; not to be used once it is disposed.</summary>
    public unsafe ReadOnlySpan<byte> Bytes => _owned && Volatile.Read(ref _disposed) == 0 ? new(_first, checked((int)Length)) : throw NotOwned();

    /// <summary>Unmaps, once the copies already in flight are done; later copies find the map closed.</summary>
    public unsafe void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Interlocked.Add(ref _readers, Closed);
        var spin = new SpinWait();
        while (Volatile.Read(ref _readers) != Closed)
        {
            spin.SpinOnce(); // each copy is one record's bytes
        }

        _first = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    private static InvalidOperationException NotOwned() => new("Only a map made by MapOwned, and not yet disposed, exposes its bytes.");
}
