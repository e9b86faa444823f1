using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StateLog.Storage.IO;

namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>
/// A deterministic in-memory file system with a durable and a volatile image per file and per folder: a file's data
/// becomes durable on <see cref="IStorageFile.Sync"/>, a folder's creations, renames and deletions on
/// <see cref="IStorage.SyncDirectory"/>. <see cref="Crash"/> builds the image a power loss would leave.
/// Thread-safe through one lock, which is all a test needs.
/// </summary>
internal sealed class MemStorage : IStorage
{
    private readonly object _gate = new();
    private readonly Dictionary<string, MemDirectory> _directories = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locks = new(StringComparer.Ordinal);
    private MemFileNode? _lastWritten;

    /// <param name="roots">Folders that exist durably from the start (the parents of the data directories).</param>
    public MemStorage(params string[] roots)
    {
        foreach (var root in roots)
        {
            _directories[root] = new MemDirectory();
        }
    }

    public IStorageFile Open(string path, bool create)
    {
        lock (_gate)
        {
            var (directory, name) = Split(path);
            if (!directory.Files.TryGetValue(name, out var node))
            {
                if (!create)
                {
                    throw new FileNotFoundException($"No file '{path}'.", path);
                }

                node = new MemFileNode([]);
                directory.Files[name] = node;
            }

            return new MemFile(this, path, node);
        }
    }

    public bool FileExists(string path)
    {
        lock (_gate)
        {
            return _directories.TryGetValue(Parent(path), out var d) && d.Files.ContainsKey(Path.GetFileName(path));
        }
    }

    public bool DirectoryExists(string path)
    {
        lock (_gate)
        {
            return _directories.ContainsKey(path);
        }
    }

    public void CreateDirectory(string path)
    {
        lock (_gate)
        {
            if (_directories.ContainsKey(path))
            {
                return;
            }

            var parent = Parent(path);
            if (!_directories.ContainsKey(parent))
            {
                CreateDirectory(parent);
            }

            _directories[parent].Directories.Add(Path.GetFileName(path));
            _directories[path] = new MemDirectory();
        }
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        lock (_gate)
        {
            return Get(directory).Files.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    public IReadOnlyList<string> ListDirectories(string directory)
    {
        lock (_gate)
        {
            return Get(directory).Directories.Order(StringComparer.Ordinal).ToList();
        }
    }

    public void Rename(string from, string to)
    {
        lock (_gate)
        {
            var (source, fromName) = Split(from);
            var (target, toName) = Split(to);
            if (!source.Files.Remove(fromName, out var node))
            {
                throw new FileNotFoundException($"No file '{from}'.", from);
            }

            target.Files[toName] = node;
        }
    }

    public void Delete(string path)
    {
        lock (_gate)
        {
            var (directory, name) = Split(path);
            directory.Files.Remove(name);
        }
    }

    public void SyncDirectory(string directory)
    {
        lock (_gate)
        {
            Get(directory).Sync();
        }
    }

    public IDisposable Lock(string lockFile)
    {
        lock (_gate)
        {
            if (!_locks.Add(lockFile))
            {
                throw new IOException($"'{lockFile}' is locked by another holder.");
            }
        }

        Open(lockFile, create: true).Dispose();
        return new Unlock(this, lockFile);
    }

    /// <summary>The contents the process sees now (for tests that damage files between runs).</summary>
    public byte[] ReadAll(string path)
    {
        lock (_gate)
        {
            var (directory, name) = Split(path);
            return directory.Files[name].Volatile.ToArray();
        }
    }

    /// <summary>Replaces a file's contents durably (a damaged disk, written by the test between runs).</summary>
    public void WriteAll(string path, byte[] contents)
    {
        lock (_gate)
        {
            var (directory, name) = Split(path);
            var node = new MemFileNode(contents);
            directory.Files[name] = node;
            directory.Sync();
        }
    }

    /// <summary>Every file path, in order.</summary>
    public IReadOnlyList<string> AllFiles()
    {
        lock (_gate)
        {
            return _directories.SelectMany(d => d.Value.Files.Keys.Select(f => Path.Combine(d.Key, f))).Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>A new storage holding what a power loss in <paramref name="mode"/> would leave; no lock is held in it.</summary>
    public MemStorage Crash(CrashMode mode, Random random)
    {
        lock (_gate)
        {
            var keepDirOps = mode != CrashMode.RevertDirOpsSinceDirSync && mode != CrashMode.DropAllUnsynced;
            var after = new MemStorage();
            var copies = new Dictionary<MemFileNode, MemFileNode>(ReferenceEqualityComparer.Instance);
            foreach (var root in _directories.Keys.Where(d => !_directories.ContainsKey(Parent(d))))
            {
                CopyTree(root, after, keepDirOps, node => copies.TryGetValue(node, out var copy) ? copy : copies[node] = new MemFileNode(Image(node, mode, random)));
            }

            return after;
        }
    }

    private void CopyTree(string path, MemStorage after, bool keepDirOps, Func<MemFileNode, MemFileNode> copy)
    {
        var directory = _directories[path];
        var copied = new MemDirectory();
        after._directories[path] = copied;
        foreach (var (name, node) in keepDirOps ? directory.Files : directory.DurableFiles)
        {
            copied.Files[name] = copy(node);
        }

        foreach (var child in keepDirOps ? directory.Directories : directory.DurableDirectories)
        {
            copied.Directories.Add(child);
            CopyTree(Path.Combine(path, child), after, keepDirOps, copy);
        }

        copied.Sync();
    }

    private byte[] Image(MemFileNode node, CrashMode mode, Random random)
    {
        switch (mode)
        {
            case CrashMode.DropAllUnsynced:
                return node.Durable;
            case CrashMode.DropRandomUnsyncedSuffix:
                return node.DurablePlus(random.Next(node.Unsynced.Count + 1));
            case CrashMode.TornLastWrite when ReferenceEquals(node, _lastWritten) && node.Unsynced.Count > 0 && node.Unsynced[^1].Data is { } last:
                return node.DurablePlus(node.Unsynced.Count, random.Next(last.Length + 1));
            case CrashMode.GarbageGrow:
                var image = node.Volatile.ToArray();
                var junk = random.Next(2) == 0;
                foreach (var (position, data) in node.Unsynced.Where(u => u.Data is not null))
                {
                    var span = image.AsSpan((int)Math.Min(position, image.Length), (int)Math.Min(data!.Length, Math.Max(0, image.Length - position)));
                    if (junk)
                    {
                        random.NextBytes(span);
                    }
                    else
                    {
                        span.Clear();
                    }
                }

                return image;
            default:
                return node.Volatile.ToArray();
        }
    }

    private MemDirectory Get(string directory) =>
        _directories.TryGetValue(directory, out var d) ? d : throw new DirectoryNotFoundException($"No folder '{directory}'.");

    private (MemDirectory Directory, string Name) Split(string path) => (Get(Parent(path)), Path.GetFileName(path));

    private static string Parent(string path) => Path.GetDirectoryName(path) ?? path;

    private void Mutate(MemFileNode node, Action<MemFileNode> change)
    {
        lock (_gate)
        {
            change(node);
            _lastWritten = node;
        }
    }

    private sealed class MemDirectory
    {
        public Dictionary<string, MemFileNode> Files { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Directories { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, MemFileNode> DurableFiles { get; private set; } = new(StringComparer.Ordinal);

        public HashSet<string> DurableDirectories { get; private set; } = new(StringComparer.Ordinal);

        public void Sync()
        {
            DurableFiles = new Dictionary<string, MemFileNode>(Files, StringComparer.Ordinal);
            DurableDirectories = new HashSet<string>(Directories, StringComparer.Ordinal);
        }
    }

    private sealed class Unlock(MemStorage storage, string lockFile) : IDisposable
    {
        private bool _released;

        public void Dispose()
        {
            lock (storage._gate)
            {
                if (!_released)
                {
                    storage._locks.Remove(lockFile);
                    _released = true;
                }
            }
        }
    }

    private sealed class MemFile(MemStorage storage, string path, MemFileNode node) : IStorageFile
    {
        public string Path { get; } = path;

        public long Length
        {
            get
            {
                lock (storage._gate)
                {
                    return node.Volatile.Count;
                }
            }
        }

        public int Read(long position, Span<byte> buffer)
        {
            lock (storage._gate)
            {
                var available = (int)Math.Clamp(node.Volatile.Count - position, 0, buffer.Length);
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(node.Volatile).Slice((int)Math.Min(position, node.Volatile.Count), available).CopyTo(buffer);
                return available;
            }
        }

        public void Write(long position, ReadOnlySpan<byte> data)
        {
            var copy = data.ToArray();
            storage.Mutate(node, n => n.Write(position, copy));
        }

        public void Sync() => storage.Mutate(node, n => n.Sync());

        // The crash model already lets any unsynced write survive or not: starting writeback early changes nothing in it.
        public void StartWriteback(long position, long count)
        {
        }

        public void SetLength(long length) => storage.Mutate(node, n => n.SetLength(length));

        public void Dispose()
        {
        }
    }
}
