using System;
using System.Text;
using System.Threading.Tasks;
using StateLog.Benchmarks.Macro;

namespace StateLog.Benchmarks.Engines;

/// <summary>
/// StateLog through the generated typed client <see cref="BenchUserTopic"/> (entity <see cref="BenchUser"/>: a string
/// key and the value bytes as MessagePack bin in a string-keyed map), on the same engine settings as the byte level
/// (<see cref="StateLogSetup"/>). Each record is a new <see cref="BenchUser"/> with its own copy of the value, as an
/// application would hand it over; keys are strings made once per key. Batches, sync and compaction as the byte
/// level; scan = <c>GetAllAsync</c>; reads = <c>GetAsync(string)</c>, the typed read the target names.
/// </summary>
internal sealed class StateLogTypedAdapter : IEngineAdapter
{
    private readonly AppendBatch _batch = new();
    private string[] _keyTexts = [];
    private byte[] _keyBuffer = new byte[64];
    private StateLogEngine? _engine;
    private BenchUserTopic? _topic;

    public string Configuration => "generated BenchUserTopic over the byte level's settings, string key, value as MessagePack bin, one BenchUser per record";

    public ValueTask OpenAsync(string directory)
    {
        _engine = StateLogSetup.Open(directory);
        _topic = new BenchUserTopic(_engine);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Workload workload, int start, int count, bool sync)
    {
        var topic = Topic;
        if (_keyTexts.Length != workload.Parameters.Keys)
        {
            _keyTexts = new string[workload.Parameters.Keys];
            for (var id = 0; id < _keyTexts.Length; id++)
            {
                _keyTexts[id] = Encoding.UTF8.GetString(workload.Key(id));
            }
        }

        return _batch.WriteAsync(
            count,
            i => topic.PutAsync(new BenchUser(_keyTexts[workload.UpdateKeyId(start + i)], workload.UpdateValue(start + i).ToArray())),
            sync ? () => topic.FlushAsync() : null);
    }

    public ValueTask SyncAsync() => Topic.FlushAsync();

    public ValueTask CompactAsync() => StateLogSetup.CompactAsync(() => Topic.CompactAsync(), () => Topic.FlushAsync());

    public async ValueTask ScanAsync(IScanSink sink)
    {
        await foreach (var user in Topic.GetAllAsync())
        {
            if (_keyBuffer.Length < Encoding.UTF8.GetMaxByteCount(user.Id.Length))
            {
                _keyBuffer = new byte[Encoding.UTF8.GetMaxByteCount(user.Id.Length)];
            }

            var length = Encoding.UTF8.GetBytes(user.Id, _keyBuffer);
            sink.Accept(_keyBuffer.AsSpan(0, length), user.Payload);
        }
    }

    public async ValueTask<byte[]?> GetAsync(byte[] key) => (await Topic.GetAsync(Encoding.UTF8.GetString(key)))?.Payload;

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
            _engine = null;
            _topic = null;
        }
    }

    private BenchUserTopic Topic => _topic ?? throw new InvalidOperationException("StateLog is not open.");
}
