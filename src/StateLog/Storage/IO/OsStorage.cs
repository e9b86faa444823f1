using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace StateLog.Storage.IO;

/// <summary>The real file system. Files are created 0600 and folders 0700, whatever the umask adds.</summary>
internal sealed class OsStorage : IStorage
{
    public static OsStorage Instance { get; } = new();

    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public IStorageFile Open(string path, bool create)
    {
        // A link planted in the data directory would let recovery truncate or overwrite a file outside it.
        if (new FileInfo(path).LinkTarget is not null)
        {
            throw new CorruptLogException(path, 0, "the file is a symbolic link; StateLog refuses links inside its data directory");
        }

        var options = new FileStreamOptions
        {
            Mode = create ? FileMode.OpenOrCreate : FileMode.Open,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows() && create)
        {
            options.UnixCreateMode = PrivateFile;
        }

        return new OsFile(path, new FileStream(path, options));
    }

    public bool FileExists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, PrivateDirectory);
        }
    }

    public IReadOnlyList<string> ListFiles(string directory) =>
        Directory.EnumerateFiles(directory).Select(p => Path.GetFileName(p)).ToList();

    public IReadOnlyList<string> ListDirectories(string directory) =>
        Directory.EnumerateDirectories(directory).Select(p => Path.GetFileName(p)).ToList();

    public void Rename(string from, string to) => File.Move(from, to, overwrite: true);

    public void Delete(string path) => File.Delete(path);

    public void SyncDirectory(string directory) => NativeMethods.SyncDirectory(directory);

    public IDisposable Lock(string lockFile)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            // .NET's own advisory lock can be switched off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING); flock is taken explicitly below.
            Share = FileShare.ReadWrite,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }
        else
        {
            options.Share = FileShare.None;
        }

        var stream = new FileStream(lockFile, options);
        try
        {
            NativeMethods.LockExclusive(stream.SafeFileHandle, lockFile);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
