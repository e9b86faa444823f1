using System;
using System.IO;
using Microsoft.Win32.SafeHandles;

namespace StateLog.Storage.IO;

/// <summary>A real file, read and written with positioned I/O (pread/pwrite) so readers never contend for a file pointer.</summary>
internal sealed class OsFile(string path, FileStream stream) : IStorageFile
{
    public string Path { get; } = path;

    /// <summary>The handle, taken once: each <see cref="FileStream.SafeFileHandle"/> access costs an lseek to sync the stream's position.</summary>
    public SafeFileHandle Handle { get; } = stream.SafeFileHandle;

    public long Length => RandomAccess.GetLength(Handle);

    public int Read(long position, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(Handle, buffer[total..], position + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    public void Write(long position, ReadOnlySpan<byte> data) => RandomAccess.Write(Handle, data, position);

    public void Sync() => NativeMethods.SyncFile(stream);

    public void StartWriteback(long position, long count) => NativeMethods.StartWriteback(Handle, position, count, Path);

    public void SetLength(long length) => RandomAccess.SetLength(Handle, length);

    public void Dispose() => stream.Dispose();
}
