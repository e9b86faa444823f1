using System;
using BenchmarkDotNet.Attributes;
using StateLog.Storage.Segments;

namespace StateLog.Benchmarks.Micro;

/// <summary>
/// The sparse offset index of a segment (Kafka's <c>.index</c>): finding the file position to start reading an
/// offset from. Entries are one per 4 KiB of log, so 32,768 entries index a full 128 MiB segment.
/// </summary>
public class SegmentIndexBench
{
    private const int Operations = 100_000;

    private readonly SegmentIndex _index = SegmentIndex.NewOffsetIndex();
    private long[] _lookups = [];

    [Params(1_024, 32_768)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _index.Clear();
        for (var i = 0; i < Entries; i++)
        {
            _index.Append(i * 37L, i * 4096);
        }

        var random = new Random(1);
        _lookups = new long[Operations];
        for (var i = 0; i < Operations; i++)
        {
            _lookups[i] = random.NextInt64(Entries * 37L);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long Floor()
    {
        long total = 0;
        foreach (var offset in _lookups)
        {
            total += _index.Floor(offset, 0);
        }

        return total;
    }
}
