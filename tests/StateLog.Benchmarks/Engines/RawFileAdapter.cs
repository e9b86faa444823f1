using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using StateLog.Benchmarks.Macro;
using StateLog.Storage.IO;

namespace StateLog.Benchmarks.Engines;

/// <summary>
/// The device's practical limit, not a database: records <c>[int32 key length][int32 value length][key][value]</c>
/// appended to one file through one FileStream (1 MiB buffer), an in-memory Dictionary from key to the latest
/// record's position, sync = a flush then fdatasync (the engine's own <c>NativeMethods.SyncFile</c>, so both pay the same
/// system call), compaction = copy the latest records to a new file, sync, rename over the old one. Opening rebuilds the dictionary by reading the whole file (it keeps no index
/// on disk); point reads are one positioned read each.
/// </summary>
internal sealed class RawFileAdapter : IEngineAdapter
{
    private const int HeaderBytes = 8;
    private const int BufferBytes = 1 << 20;
    private const string FileName = "records.dat";

    private readonly Dictionary<byte[], (long Position, int ValueLength)> _index = new(ByteArrayComparer.Instance);
    private string _path = "";
    private FileStream? _stream;

    public string Configuration => "length-prefixed records, one FileStream (1 MiB buffer), Dictionary index in memory, fdatasync per sync, compaction = rewrite latest records + rename";

    public ValueTask OpenAsync(string directory)
    {
        _path = Path.Combine(directory, FileName);
        _stream = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, BufferBytes);
        RebuildIndex();
        _stream.Seek(0, SeekOrigin.End);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Workload workload, int start, int count, bool sync)
    {
        var stream = Stream;
        for (var i = start; i < start + count; i++)
        {
            var key = workload.UpdateKey(i);
            var value = workload.UpdateValue(i).Span;
            _index[key] = (stream.Position, value.Length);
            WriteRecord(stream, key, value);
        }

        if (sync)
        {
            Sync(stream);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SyncAsync()
    {
        Sync(Stream);
        return ValueTask.CompletedTask;
    }

    public ValueTask CompactAsync()
    {
        var stream = Stream;
        Sync(stream);
        var compactedPath = _path + ".compact";
        using (var output = new FileStream(compactedPath, FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes))
        {
            var index = _index.GetAlternateLookup<ReadOnlySpan<byte>>();
            stream.Seek(0, SeekOrigin.Begin);
            ForEachRecord(stream, (key, value, position) =>
            {
                if (index.TryGetValue(key, out var latest) && latest.Position == position)
                {
                    index[key] = (output.Position, value.Length);
                    WriteRecord(output, key, value);
                }
            });
            Sync(output);
        }

        stream.Dispose();
        File.Move(compactedPath, _path, overwrite: true);
        _stream = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, BufferBytes);
        _stream.Seek(0, SeekOrigin.End);
        return ValueTask.CompletedTask;
    }

    public ValueTask ScanAsync(IScanSink sink)
    {
        Stream.Flush();
        var index = _index.GetAlternateLookup<ReadOnlySpan<byte>>();
        using var reader = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, BufferBytes);
        ForEachRecord(reader, (key, value, position) =>
        {
            if (index.TryGetValue(key, out var latest) && latest.Position == position)
            {
                sink.Accept(key, value);
            }
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask<byte[]?> GetAsync(byte[] key)
    {
        if (!_index.TryGetValue(key, out var location))
        {
            return ValueTask.FromResult<byte[]?>(null);
        }

        var value = new byte[location.ValueLength];
        RandomAccess.Read(Stream.SafeFileHandle, value, location.Position + HeaderBytes + key.Length);
        return ValueTask.FromResult<byte[]?>(value);
    }

    public ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            Sync(_stream);
            _stream.Dispose();
            _stream = null;
        }

        return ValueTask.CompletedTask;
    }

    private FileStream Stream => _stream ?? throw new InvalidOperationException("The raw file is not open.");

    private void RebuildIndex()
    {
        _index.Clear();
        var stream = Stream;
        stream.Seek(0, SeekOrigin.Begin);
        var index = _index.GetAlternateLookup<ReadOnlySpan<byte>>();
        ForEachRecord(stream, (key, value, position) => index[key] = (position, value.Length));
    }

    private static void Sync(FileStream stream)
    {
        stream.Flush();
        NativeMethods.SyncFile(stream);
    }

    private static void WriteRecord(Stream output, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteInt32LittleEndian(header, key.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], value.Length);
        output.Write(header);
        output.Write(key);
        output.Write(value);
    }

    private delegate void RecordVisitor(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long position);

    private static void ForEachRecord(Stream stream, RecordVisitor visit)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        var buffer = new byte[256];
        var position = stream.Position;
        while (stream.Read(header) == HeaderBytes)
        {
            var keyLength = BinaryPrimitives.ReadInt32LittleEndian(header);
            var valueLength = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            var length = keyLength + valueLength;
            if (buffer.Length < length)
            {
                buffer = new byte[length];
            }

            stream.ReadExactly(buffer, 0, length);
            visit(buffer.AsSpan(0, keyLength), buffer.AsSpan(keyLength, valueLength), position);
            position += HeaderBytes + length;
        }
    }
}
