using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace StateLog.Storage.IO;

/// <summary>
/// The POSIX calls .NET does not expose: fdatasync (a log append needs its data, not its mtime, on disk), fsync of a
/// folder (so creations and renames survive power loss), flock (which .NET's own locking can be configured off) and
/// Linux's sync_file_range (to start writeback early). Failures are never swallowed: they surface as
/// <see cref="IOException"/> with the errno text.
/// </summary>
internal static class NativeMethods
{
    private const int LockExclusiveNonBlocking = 2 | 4; // LOCK_EX | LOCK_NB
    private const int ReadOnly = 0;
    private const uint SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE: start writeback of the range's dirty pages, wait for none
    private const int Einval = 22;
    private const int Enosys = 38;
    private const int Eopnotsupp = 95;

    public static void SyncFile(FileStream stream)
    {
        if (OperatingSystem.IsLinux())
        {
            var fd = (int)stream.SafeFileHandle.DangerousGetHandle();
            if (fdatasync(fd) != 0)
            {
                throw LastError($"fdatasync of '{stream.Name}'");
            }
        }
        else
        {
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Starts writeback of a range of the file's dirty pages and returns without waiting (RocksDB's
    /// <c>bytes_per_sync</c>); Linux only. A file system that cannot do it (<c>EINVAL</c>, <c>ENOSYS</c>,
    /// <c>EOPNOTSUPP</c>) is no failure: the next fdatasync writes everything. Any other error is thrown, since a file
    /// system may report a page it gave up on only to the call that started its writeback.
    /// </summary>
    public static void StartWriteback(SafeFileHandle handle, long position, long count, string path)
    {
        if (OperatingSystem.IsLinux() && sync_file_range((int)handle.DangerousGetHandle(), position, count, SyncFileRangeWrite) != 0
            && Marshal.GetLastPInvokeError() is not (Einval or Enosys or Eopnotsupp))
        {
            throw LastError($"sync_file_range of '{path}'");
        }
    }

    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals metadata; a folder cannot be opened for flushing.
        }

        var fd = open(directory, ReadOnly);
        if (fd < 0)
        {
            throw LastError($"open of folder '{directory}' for fsync");
        }

        try
        {
            if (fsync(fd) != 0)
            {
                throw LastError($"fsync of folder '{directory}'");
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    public static void LockExclusive(SafeFileHandle handle, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // FileShare.None already excludes every other opener.
        }

        if (flock((int)handle.DangerousGetHandle(), LockExclusiveNonBlocking) != 0)
        {
            throw LastError($"flock of '{path}'");
        }
    }

    private static IOException LastError(string what)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{what} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int fdatasync(int fd);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int sync_file_range(int fd, long offset, long nbytes, uint flags);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int flock(int fd, int operation);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int close(int fd);
}
