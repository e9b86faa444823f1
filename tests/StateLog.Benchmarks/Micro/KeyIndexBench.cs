using System;
using System.Text;
using BenchmarkDotNet.Attributes;
using StateLog.Storage;

namespace StateLog.Benchmarks.Micro;

/// <summary>
/// The per-partition key index: hashing a <c>user-&lt;id&gt;</c> key and inserting or looking up its location, as every
/// append and every <c>GetAsync</c> does. Times are per key (<c>OperationsPerInvoke</c>).
/// </summary>
public class KeyIndexBench
{
    private const int Operations = 100_000;

    private byte[][] _keys = [];
    private int[] _order = [];
    private KeyIndex _full = new();

    [Params(100_000, 1_000_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _keys = new byte[Keys][];
        for (var i = 0; i < Keys; i++)
        {
            _keys[i] = Encoding.UTF8.GetBytes($"user-{i}");
        }

        var random = new Random(1);
        _order = new int[Operations];
        for (var i = 0; i < Operations; i++)
        {
            _order[i] = random.Next(Keys);
        }

        _full = new KeyIndex();
        for (var i = 0; i < Keys; i++)
        {
            _full.Set(KeyIndex.Hash(_keys[i]), new KeyLocation(i, i * 128, 128, 0));
        }
    }

    /// <summary>Hash and insert into an index that grows from empty (the index rebuild at open, and first writes).</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public int Insert()
    {
        var index = new KeyIndex();
        for (var i = 0; i < Operations; i++)
        {
            index.Set(KeyIndex.Hash(_keys[i % Keys]), new KeyLocation(i, i * 128, 128, 0));
        }

        return index.Count;
    }

    /// <summary>Hash and overwrite keys already present (the steady state of a compacted topic's appends).</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void Update()
    {
        for (var i = 0; i < Operations; i++)
        {
            _full.Set(KeyIndex.Hash(_keys[_order[i]]), new KeyLocation(Keys + i, i * 128, 128, 0));
        }
    }

    /// <summary>Hash and look up random present keys (the in-memory half of <c>GetAsync</c>).</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long Lookup()
    {
        long found = 0;
        for (var i = 0; i < Operations; i++)
        {
            if (_full.TryGet(KeyIndex.Hash(_keys[_order[i]]), out var location))
            {
                found += location.Position;
            }
        }

        return found;
    }
}
