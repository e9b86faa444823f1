using System;
using System.IO;

namespace StateLog.Storage.IO;

/// <summary>A real file, read and written with positioned I/O (pread/pwrite) so readers never contend for a file pointer.</summary>
internal sealed class OsFile(string path, FileStream stream) : IStorageFile
{
    public string Path { get; } = path;

    public long Length => RandomAccess.GetLength(stream.SafeFileHandle);

    public int Read(long position, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(stream.SafeFileHandle, buffer[total..], position + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    public void Write(long position, ReadOnlySpan<byte> data) => RandomAccess.Write(stream.SafeFileHandle, data, position);

    public void Sync() => NativeMethods.SyncFile(stream);

    public void SetLength(long length) => RandomAccess.SetLength(stream.SafeFileHandle, length);

    public void Dispose() => stream.Dispose();
}
