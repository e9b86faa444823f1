using System;
using BenchmarkDotNet.Attributes;
using StateLog.Storage.Records;

namespace StateLog.Benchmarks.Micro;

/// <summary>CRC-32C over a RecordBatch-sized buffer (the checksum every append and every recovery computes).</summary>
public class Crc32CBench
{
    private byte[] _data = [];

    [Params(64, 4096, 1 << 20)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Bytes];
        new Random(1).NextBytes(_data);
    }

    [Benchmark]
    public uint Compute() => Crc32C.Compute(_data);
}
