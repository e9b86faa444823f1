using System;
using System.IO;
using System.Threading.Tasks;
using FASTER.core;
using StateLog.Benchmarks.Macro;

namespace StateLog.Benchmarks.Engines;

/// <summary>
/// FASTER KV (Microsoft.FASTER.Core) over <see cref="SpanByte"/> keys and values: hash index of 2^17 buckets, hybrid
/// log with 64 MiB in memory (4 MiB pages) over a local log device in 4 MiB segment files (truncation frees whole
/// segments, so small segments keep its space amplification honest), one session. FASTER's durability is a checkpoint,
/// so sync = a fold-over hybrid-log checkpoint (flushes the log to its tail, then writes the checkpoint metadata);
/// the buffered ingest takes one at the end. Compaction = <c>Compact</c> up to the tail (live records copied
/// forward), a checkpoint, then <c>ShiftBeginAddress</c> with truncation (FASTER's documented safe sequence).
/// Reopen = recover the latest checkpoint. Scan = the session's live-record iterator; reads = <c>Read</c>, waiting
/// for pending disk reads.
/// </summary>
internal sealed class FasterAdapter : IEngineAdapter
{
    private IDevice? _device;
    private FasterKV<SpanByte, SpanByte>? _store;
    private ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, SpanByteFunctions<Empty>>? _session;

    public string Configuration => "FasterKV<SpanByte,SpanByte> 2.6.5, 2^17-bucket index, 64 MiB log memory, sync = fold-over checkpoint, compaction = Compact(tail) + checkpoint + ShiftBeginAddress";

    public ValueTask OpenAsync(string directory)
    {
        var checkpoints = Path.Combine(directory, "checkpoints");
        var recover = Directory.Exists(checkpoints);
        _device = Devices.CreateLogDevice(Path.Combine(directory, "hlog.log"), preallocateFile: false);
        _store = new FasterKV<SpanByte, SpanByte>(
            1L << 17,
            new LogSettings { LogDevice = _device, MemorySizeBits = 26, PageSizeBits = 22, SegmentSizeBits = 22 },
            new CheckpointSettings { CheckpointDir = checkpoints, RemoveOutdated = true });
        if (recover)
        {
            _store.Recover();
        }

        _session = _store.For(new SpanByteFunctions<Empty>()).NewSession<SpanByteFunctions<Empty>>();
        return ValueTask.CompletedTask;
    }

    public async ValueTask WriteAsync(Workload workload, int start, int count, bool sync)
    {
        Upsert(workload, start, count);
        if (sync)
        {
            await CheckpointAsync();
        }
    }

    public ValueTask SyncAsync() => CheckpointAsync();

    public async ValueTask CompactAsync()
    {
        var store = Store;
        var until = Session.Compact(store.Log.TailAddress, CompactionType.Scan);
        await CheckpointAsync();
        store.Log.ShiftBeginAddress(until, truncateLog: true);
        await CheckpointAsync();
    }

    public ValueTask ScanAsync(IScanSink sink)
    {
        using var iterator = Session.Iterate();
        while (iterator.GetNext(out _))
        {
            sink.Accept(iterator.GetKey().AsReadOnlySpan(), iterator.GetValue().AsReadOnlySpan());
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<byte[]?> GetAsync(byte[] key) => ValueTask.FromResult(Read(key));

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await CheckpointAsync();
            _session?.Dispose();
            _store.Dispose();
            _device?.Dispose();
            _store = null;
        }
    }

    private FasterKV<SpanByte, SpanByte> Store => _store ?? throw new InvalidOperationException("FASTER is not open.");

    private ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, SpanByteFunctions<Empty>> Session =>
        _session ?? throw new InvalidOperationException("FASTER is not open.");

    private unsafe void Upsert(Workload workload, int start, int count)
    {
        var session = Session;
        for (var i = start; i < start + count; i++)
        {
            var keyBytes = workload.UpdateKey(i);
            var valueBytes = workload.UpdateValue(i).Span;
            fixed (byte* keyPointer = keyBytes)
            fixed (byte* valuePointer = valueBytes)
            {
                var key = SpanByte.FromPointer(keyPointer, keyBytes.Length);
                var value = SpanByte.FromPointer(valuePointer, valueBytes.Length);
                session.Upsert(ref key, ref value);
            }
        }
    }

    private unsafe byte[]? Read(byte[] keyBytes)
    {
        var session = Session;
        fixed (byte* keyPointer = keyBytes)
        {
            var key = SpanByte.FromPointer(keyPointer, keyBytes.Length);
            var output = new SpanByteAndMemory();
            var status = session.Read(ref key, ref output);
            if (status.IsPending)
            {
                session.CompletePendingWithOutputs(out var outputs, wait: true);
                using (outputs)
                {
                    outputs.Next();
                    status = outputs.Current.Status;
                    output = outputs.Current.Output;
                }
            }

            if (!status.Found)
            {
                output.Memory?.Dispose();
                return null;
            }

            using var owner = output.Memory;
            return owner is null ? output.SpanByte.AsReadOnlySpan().ToArray() : owner.Memory.Span[..output.Length].ToArray();
        }
    }

    private async ValueTask CheckpointAsync()
    {
        var (success, _) = await Store.TakeHybridLogCheckpointAsync(CheckpointType.FoldOver);
        if (!success)
        {
            throw new InvalidOperationException("FASTER refused the checkpoint.");
        }
    }
}
