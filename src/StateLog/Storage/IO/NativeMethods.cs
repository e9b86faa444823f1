using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace StateLog.Storage.IO;

/// <summary>
/// The POSIX calls .NET does not expose: fdatasync (a log append needs its data, not its mtime, on disk), fsync of a
/// folder (so creations and renames survive power loss) and flock (which .NET's own locking can be configured off).
/// Failures are never swallowed: they surface as <see cref="IOException"/> with the errno text.
/// </summary>
internal static class NativeMethods
{
    private const int LockExclusiveNonBlocking = 2 | 4; // LOCK_EX | LOCK_NB
    private const int ReadOnly = 0;

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
