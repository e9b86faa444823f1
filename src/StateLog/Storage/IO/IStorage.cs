using System;
using System.Collections.Generic;

namespace StateLog.Storage.IO;

/// <summary>
/// The file-system seam of the engine: real files in production (<see cref="OsStorage"/>), an in-memory file system
/// with durable and volatile images or a fault-injecting wrapper in tests. Every durability step goes through it.
/// </summary>
internal interface IStorage
{
    /// <summary>Opens a file for positioned reads and writes, creating it (mode 0600) when <paramref name="create"/> is set.</summary>
    IStorageFile Open(string path, bool create);

    bool FileExists(string path);

    bool DirectoryExists(string path);

    /// <summary>Creates a folder (mode 0700) and its missing parents.</summary>
    void CreateDirectory(string path);

    /// <summary>The names (not paths) of the files directly in <paramref name="directory"/>.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <summary>The names (not paths) of the folders directly in <paramref name="directory"/>.</summary>
    IReadOnlyList<string> ListDirectories(string directory);

    /// <summary>Renames a file, atomically replacing <paramref name="to"/> if it exists.</summary>
    void Rename(string from, string to);

    void Delete(string path);

    /// <summary>Makes the creations, renames and deletions in <paramref name="directory"/> durable (fsync of the folder).</summary>
    void SyncDirectory(string directory);

    /// <summary>Takes an exclusive lock on <paramref name="lockFile"/> held until the result is disposed; throws
    /// <see cref="System.IO.IOException"/> when another holder has it.</summary>
    IDisposable Lock(string lockFile);
}
