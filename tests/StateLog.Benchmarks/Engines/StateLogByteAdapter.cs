using System;
using System.Threading.Tasks;
using StateLog.Benchmarks.Macro;

namespace StateLog.Benchmarks.Engines;

/// <summary>
/// StateLog's byte level (<see cref="TopicLog"/>): one topic, one partition (more with <c>--partitions N</c>, to measure
/// partitions cleaned and opened at once), <see cref="Durability.Buffered"/>, the
/// background cleaner off (compaction is the timed <c>CompactAsync</c>), other options at their defaults. A batch is
/// one <c>AppendBatchAsync</c> call with its records (StateLog's WriteBatch: one lock and one completion for the
/// batch, as RocksDB's adapter writes one <c>WriteBatch</c>); sync = <c>FlushAsync</c> (fsync). Compaction =
/// <c>CompactAsync</c> until a pass cleans nothing. Scan = <c>GetAllAsync</c>; reads = <c>GetAsync</c>.
/// </summary>
internal sealed class StateLogByteAdapter(int partitions) : IEngineAdapter
{
    private const string Topic = "bench";

    private (ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte>? Value)[] _records = [];
    private StateLogEngine? _engine;
    private TopicLog? _topic;

    public string Configuration => $"byte-level TopicLog, {partitions} partition{(partitions == 1 ? "" : "s")}, Durability.Buffered, batch = one AppendBatchAsync call, sync = FlushAsync, CompactAsync until nothing is cleaned, cleaner off";

    public ValueTask OpenAsync(string directory)
    {
        _engine = StateLogSetup.Open(directory);
        _topic = _engine.GetTopic(Topic, partitions);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Workload workload, int start, int count, bool sync)
    {
        if (_records.Length < count)
        {
            _records = new (ReadOnlyMemory<byte>, ReadOnlyMemory<byte>?)[count];
        }

        for (var i = 0; i < count; i++)
        {
            _records[i] = (workload.UpdateKey(start + i), workload.UpdateValue(start + i));
        }

        var appended = Log.AppendBatchAsync(_records.AsSpan(0, count));
        return sync ? FlushAfter(appended) : appended;
    }

    public ValueTask SyncAsync() => Log.FlushAsync();

    private async ValueTask FlushAfter(ValueTask appended)
    {
        await appended;
        await Log.FlushAsync();
    }

    public ValueTask CompactAsync() => StateLogSetup.CompactAsync(() => Log.CompactAsync(), () => Log.FlushAsync());

    public async ValueTask ScanAsync(IScanSink sink)
    {
        await foreach (var record in Log.GetAllAsync())
        {
            if (record.Value is { } value)
            {
                sink.Accept(record.Key.Span, value.Span);
            }
        }
    }

    public ValueTask<byte[]?> GetAsync(byte[] key) => Log.GetAsync(key);

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
            _engine = null;
            _topic = null;
        }
    }

    private TopicLog Log => _topic ?? throw new InvalidOperationException("StateLog is not open.");
}
