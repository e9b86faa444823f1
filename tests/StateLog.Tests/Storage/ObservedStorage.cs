using System;
using System.Collections.Generic;
using StateLog.Storage.IO;

namespace StateLog.Tests.Storage;

/// <summary>
/// The real file system, with hooks on what the engine asks of it: listing a folder (a hook may block or throw),
/// reading a file, and starting a file's writeback. Its files are wrappers, so the engine never memory-maps them
/// (<c>SegmentMapping.CanMap</c>): every read goes through <see cref="Read"/>.
/// </summary>
internal sealed class ObservedStorage : IStorage
{
    /// <summary>Called with the folder before it is listed.</summary>
    public Action<string>? Listing { get; init; }

    /// <summary>Called with the file's path and the bytes a read returned.</summary>
    public Action<string, int>? Read { get; init; }

    /// <summary>Called with the file's path, position and byte count of each writeback the engine starts.</summary>
    public Action<string, long, long>? Writeback { get; init; }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        Listing?.Invoke(directory);
        return OsStorage.Instance.ListFiles(directory);
    }

    public IReadOnlyList<string> ListDirectories(string directory) => OsStorage.Instance.ListDirectories(directory);

    public IStorageFile Open(string path, bool create) => new ObservedFile(this, OsStorage.Instance.Open(path, create));

    public bool FileExists(string path) => OsStorage.Instance.FileExists(path);

    public bool DirectoryExists(string path) => OsStorage.Instance.DirectoryExists(path);

    public void CreateDirectory(string path) => OsStorage.Instance.CreateDirectory(path);

    public void Rename(string from, string to) => OsStorage.Instance.Rename(from, to);

    public void Delete(string path) => OsStorage.Instance.Delete(path);

    public void SyncDirectory(string directory) => OsStorage.Instance.SyncDirectory(directory);

    public IDisposable Lock(string lockFile) => OsStorage.Instance.Lock(lockFile);

    private sealed class ObservedFile(ObservedStorage owner, IStorageFile inner) : IStorageFile
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public int Read(long position, Span<byte> buffer)
        {
            var n = inner.Read(position, buffer);
            owner.Read?.Invoke(Path, n);
            return n;
        }

        public void Write(long position, ReadOnlySpan<byte> data) => inner.Write(position, data);

        public void Sync() => inner.Sync();

        public void StartWriteback(long position, long count)
        {
            owner.Writeback?.Invoke(Path, position, count);
            inner.StartWriteback(position, count);
        }

        public void SetLength(long length) => inner.SetLength(length);

        public void Dispose() => inner.Dispose();
    }
}
