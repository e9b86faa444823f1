using System;
using System.Threading.Tasks;
using RocksDbSharp;
using StateLog.Benchmarks.Macro;

namespace StateLog.Benchmarks.Engines;

/// <summary>
/// RocksDB through RocksDbSharp (package RocksDB): compression off, default LSM settings otherwise (64 MiB memtable,
/// levelled compaction), IncreaseParallelism(2) for the two cores, WAL on. Each batch is one WriteBatch; sync =
/// <c>WriteOptions.SetSync(true)</c> on that write (one WAL fsync per batch); the buffered ingest writes with sync off
/// and ends with a memtable flush (waits for the SST and its fsync). Compaction = <c>CompactRange</c> over all keys.
/// Scan = one iterator from the first key; reads = <c>Get</c>.
/// </summary>
internal sealed class RocksDbAdapter : IEngineAdapter
{
    private readonly WriteOptions _buffered = new WriteOptions().SetSync(false);
    private readonly WriteOptions _synced = new WriteOptions().SetSync(true);
    private readonly WriteBatch _batch = new();
    private RocksDb? _db;

    public string Configuration => "RocksDB 11.12 (RocksDbSharp), no compression, WAL on, WriteBatch per batch, sync = WAL fsync, CompactRange(all), IncreaseParallelism(2)";

    public ValueTask OpenAsync(string directory)
    {
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCompression(Compression.No)
            .IncreaseParallelism(2);
        _db = RocksDb.Open(options, directory);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Workload workload, int start, int count, bool sync)
    {
        _batch.Clear();
        for (var i = start; i < start + count; i++)
        {
            _batch.Put(workload.UpdateKey(i), workload.UpdateValue(i).Span);
        }

        Db.Write(_batch, sync ? _synced : _buffered);
        return ValueTask.CompletedTask;
    }

    public ValueTask SyncAsync()
    {
        Db.Flush(new FlushOptions().SetWaitForFlush(true));
        return ValueTask.CompletedTask;
    }

    public ValueTask CompactAsync()
    {
        Db.CompactRange((byte[]?)null, (byte[]?)null);
        return ValueTask.CompletedTask;
    }

    public ValueTask ScanAsync(IScanSink sink)
    {
        using var iterator = Db.NewIterator();
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            sink.Accept(iterator.GetKeySpan(), iterator.GetValueSpan());
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<byte[]?> GetAsync(byte[] key) => ValueTask.FromResult<byte[]?>(Db.Get(key));

    public ValueTask DisposeAsync()
    {
        _db?.Dispose();
        _db = null;
        _batch.Dispose();
        return ValueTask.CompletedTask;
    }

    private RocksDb Db => _db ?? throw new InvalidOperationException("RocksDB is not open.");
}
