using System;
using System.Threading.Tasks;

namespace StateLog.Benchmarks.Engines;

/// <summary>
/// The typed StateLog client's batch write in the macro bench (the typed client has no batch call): every append of
/// the batch issued before any is awaited, so the partition writer may gather them into one RecordBatch and one
/// write (as a WriteBatch gathers RocksDB's), then all awaited, then an fsync when the batch must be durable.
/// </summary>
internal sealed class AppendBatch
{
    private ValueTask<RecordPosition>[] _pending = [];

    public async ValueTask WriteAsync(int count, Func<int, ValueTask<RecordPosition>> append, Func<ValueTask>? flush)
    {
        if (_pending.Length < count)
        {
            _pending = new ValueTask<RecordPosition>[count];
        }

        for (var i = 0; i < count; i++)
        {
            _pending[i] = append(i);
        }

        for (var i = 0; i < count; i++)
        {
            await _pending[i];
        }

        if (flush is not null)
        {
            await flush();
        }
    }
}
