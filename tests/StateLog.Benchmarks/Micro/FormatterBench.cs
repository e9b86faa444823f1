using System;
using System.Buffers;
using BenchmarkDotNet.Attributes;
using MessagePack;
using MessagePack.Resolvers;

namespace StateLog.Benchmarks.Micro;

/// <summary>
/// Serialize then deserialize one <see cref="BenchActivity"/>: the generated formatter (what typed clients use)
/// against MessagePack's own dynamic <see cref="ContractlessStandardResolver"/> (string-keyed maps too, built by
/// reflection emit at run time), both into a reused buffer.
/// </summary>
[MemoryDiagnoser]
public class FormatterBench
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly BenchActivity _value = new("user-12345", "login", new DateTimeOffset(2026, 11, 25, 20, 0, 0, TimeSpan.Zero), 42, 3.5, ["mobile", "eu-west", "beta"]);

    [Benchmark(Baseline = true)]
    public BenchActivity Generated() => RoundTrip(BenchActivityFormatter.Options);

    [Benchmark]
    public BenchActivity Contractless() => RoundTrip(ContractlessStandardResolver.Options);

    private BenchActivity RoundTrip(MessagePackSerializerOptions options)
    {
        _buffer.ResetWrittenCount();
        MessagePackSerializer.Serialize(_buffer, _value, options);
        return MessagePackSerializer.Deserialize<BenchActivity>(_buffer.WrittenMemory, options);
    }
}
