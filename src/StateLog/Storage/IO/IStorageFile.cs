using System;

namespace StateLog.Storage.IO;

/// <summary>An open file of the engine: positioned reads and writes, and an explicit durability point.</summary>
internal interface IStorageFile : IDisposable
{
    string Path { get; }

    long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="position"/>; returns how many were read (0 at the end).</summary>
    int Read(long position, Span<byte> buffer);

    void Write(long position, ReadOnlySpan<byte> data);

    /// <summary>Makes every write so far durable (fdatasync).</summary>
    void Sync();

    /// <summary>
    /// Asks the system to start writing the <paramref name="count"/> bytes at <paramref name="position"/> to the device
    /// without waiting for them, so a later <see cref="Sync"/> has less left to write. It makes nothing durable; only
    /// <see cref="Sync"/> does.
    /// </summary>
    /// <exception cref="System.IO.IOException">The system reported a failure to write the bytes.</exception>
    void StartWriteback(long position, long count);

    void SetLength(long length);
}
