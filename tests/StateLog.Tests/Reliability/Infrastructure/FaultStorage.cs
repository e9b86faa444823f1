using System;
using System.Collections.Generic;
using System.IO;
using StateLog.Storage.IO;

namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>
/// Wraps a storage to number, trace and fail its operations (reads are never counted): fail operation N once or
/// from then on with <see cref="IOException"/> (EIO, or ENOSPC after a partial write for writes), or freeze, after
/// which every operation fails and nothing more reaches the inner storage (RocksDB's <c>SetFilesystemActive(false)</c>).
/// </summary>
internal sealed class FaultStorage(IStorage inner) : IStorage
{
    public const int Eio = 5;
    public const int Enospc = 28;

    private readonly object _gate = new();
    private readonly List<string> _trace = new();
    private long _failAt = long.MaxValue;
    private bool _persistent;
    private Func<StorageOp, bool> _kinds = _ => true;
    private Func<string, bool> _paths = _ => true;
    private long _freezeAt = long.MaxValue;

    /// <summary>Operations counted so far (the next one gets this number).</summary>
    public long Operations { get; private set; }

    /// <summary>Faults thrown so far.</summary>
    public int FaultsInjected { get; private set; }

    public bool Frozen { get; private set; }

    /// <summary>Keep "#n op path" lines of every operation.</summary>
    public bool Record { get; set; }

    public IReadOnlyList<string> Trace
    {
        get
        {
            lock (_gate)
            {
                return _trace.ToArray();
            }
        }
    }

    /// <summary>Fails the first operation numbered <paramref name="n"/> or later whose kind and path match, once or (<paramref name="persistent"/>) with every later matching one.</summary>
    public void FailAt(long n, bool persistent, Func<StorageOp, bool>? kinds = null, Func<string, bool>? paths = null)
    {
        lock (_gate)
        {
            _failAt = n;
            _persistent = persistent;
            _kinds = kinds ?? (_ => true);
            _paths = paths ?? (_ => true);
        }
    }

    /// <summary>Removes the faults (space was freed, the disk came back).</summary>
    public void Heal()
    {
        lock (_gate)
        {
            _failAt = long.MaxValue;
        }
    }

    /// <summary>Freezes before operation <paramref name="n"/>: it and every later one fail and do nothing.</summary>
    public void FreezeAt(long n)
    {
        lock (_gate)
        {
            _freezeAt = n;
        }
    }

    public IStorageFile Open(string path, bool create)
    {
        Before(create && !inner.FileExists(path) ? StorageOp.Create : StorageOp.Open, path);
        return new FaultFile(this, inner.Open(path, create));
    }

    public bool FileExists(string path) => inner.FileExists(path);

    public bool DirectoryExists(string path) => inner.DirectoryExists(path);

    public void CreateDirectory(string path)
    {
        Before(StorageOp.CreateDirectory, path);
        inner.CreateDirectory(path);
    }

    public IReadOnlyList<string> ListFiles(string directory) => inner.ListFiles(directory);

    public IReadOnlyList<string> ListDirectories(string directory) => inner.ListDirectories(directory);

    public void Rename(string from, string to)
    {
        Before(StorageOp.Rename, from + " -> " + to);
        inner.Rename(from, to);
    }

    public void Delete(string path)
    {
        Before(StorageOp.Delete, path);
        inner.Delete(path);
    }

    public void SyncDirectory(string directory)
    {
        Before(StorageOp.SyncDirectory, directory);
        inner.SyncDirectory(directory);
    }

    public IDisposable Lock(string lockFile) => inner.Lock(lockFile);

    /// <summary>Counts an operation and throws if it is to fail; returns normally otherwise.</summary>
    private void Before(StorageOp op, string path, Action? partialEffect = null)
    {
        int? errno = null;
        lock (_gate)
        {
            var n = Operations++;
            if (Record)
            {
                _trace.Add($"#{n} {op} {path}");
            }

            if (Frozen || n >= _freezeAt)
            {
                Frozen = true;
                throw new IOException($"storage frozen at operation #{n} ({op} {path})", Eio);
            }

            if (n >= _failAt && _kinds(op) && _paths(path))
            {
                if (!_persistent)
                {
                    _failAt = long.MaxValue;
                }

                FaultsInjected++;
                errno = op == StorageOp.Write ? Enospc : Eio;
            }
        }

        if (errno is { } e)
        {
            partialEffect?.Invoke();
            throw new IOException($"injected {(e == Enospc ? "ENOSPC" : "EIO")} on {op} of '{path}'", e);
        }
    }

    private sealed class FaultFile(FaultStorage storage, IStorageFile file) : IStorageFile
    {
        public string Path => file.Path;

        public long Length => file.Length;

        public int Read(long position, Span<byte> buffer) => file.Read(position, buffer);

        public void Write(long position, ReadOnlySpan<byte> data)
        {
            // A full disk may take part of a write before it refuses the rest.
            var half = data[..(data.Length / 2)].ToArray();
            storage.Before(StorageOp.Write, Path, () => file.Write(position, half));
            file.Write(position, data);
        }

        public void Sync()
        {
            storage.Before(StorageOp.Sync, Path);
            file.Sync();
        }

        public void StartWriteback(long position, long count) => file.StartWriteback(position, count); // not numbered: the suites fail writes and syncs

        public void SetLength(long length)
        {
            storage.Before(StorageOp.SetLength, Path);
            file.SetLength(length);
        }

        public void Dispose() => file.Dispose();
    }
}
