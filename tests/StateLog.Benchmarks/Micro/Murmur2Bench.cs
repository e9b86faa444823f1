using System.Text;
using BenchmarkDotNet.Attributes;

namespace StateLog.Benchmarks.Micro;

/// <summary>Kafka's murmur2 partitioner over a typical key (<c>user-12345</c>) and a long one.</summary>
public class Murmur2Bench
{
    private byte[] _key = [];

    [Params(10, 100)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup() => _key = Encoding.UTF8.GetBytes("user-12345".PadRight(Bytes, 'x'))[..Bytes];

    [Benchmark]
    public int Murmur2() => KafkaPartitioner.Murmur2(_key);

    [Benchmark]
    public int Partition() => KafkaPartitioner.Partition(_key, 12);
}
