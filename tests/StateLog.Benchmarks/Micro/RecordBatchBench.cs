using System;
using System.Text;
using BenchmarkDotNet.Attributes;
using StateLog.Storage.Records;

namespace StateLog.Benchmarks.Micro;

/// <summary>
/// Encoding and decoding one RecordBatch v2 of records with a <c>user-&lt;id&gt;</c> key and a 100-byte value, as the
/// append path builds them and recovery, reads and the cleaner walk them. <c>Bytes</c> is the payload (key plus
/// value bytes) of the batch, so MB/s is payload throughput.
/// </summary>
public class RecordBatchBench
{
    private const int ValueBytes = 100;
    private const long Timestamp = 1_764_000_000_000;

    private readonly RecordBatchBuilder _builder = new();
    private byte[][] _keys = [];
    private byte[] _value = [];
    private byte[] _encoded = [];

    [Params(11_000, 110_000, 1_100_000)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _keys = new byte[Bytes / (ValueBytes + 10)][];
        for (var i = 0; i < _keys.Length; i++)
        {
            _keys[i] = Encoding.UTF8.GetBytes($"user-{10_000 + i % 90_000}");
        }

        _value = new byte[ValueBytes];
        new Random(1).NextBytes(_value);
        _encoded = Encode().ToArray();
    }

    [Benchmark(Description = "Encode")]
    public int EncodeBatch() => Encode().Length;

    /// <summary>Validate (sizes, magic, CRC-32C) and walk every record, touching its key and value.</summary>
    [Benchmark]
    public int Decode()
    {
        var batch = new RecordBatch(_encoded);
        batch.Validate();
        var total = 0;
        foreach (var record in batch)
        {
            total += record.Key.Length + record.Value.Length;
        }

        return total;
    }

    [GlobalCleanup]
    public void Cleanup() => _builder.Dispose();

    private ReadOnlySpan<byte> Encode()
    {
        _builder.Reset(1_000, Timestamp);
        for (var i = 0; i < _keys.Length; i++)
        {
            _builder.Append(1_000 + i, Timestamp + i, _keys[i], _value, isTombstone: false);
        }

        return _builder.Finish();
    }
}
