using System;

namespace StateLog.Benchmarks.Macro;

/// <summary>Checks that a full scan returned each live key once with its latest value.</summary>
internal sealed class ScanChecker(Workload workload) : IScanSink
{
    private readonly bool[] _seen = new bool[workload.Parameters.Keys];

    public long Records { get; private set; }

    public long Wrong { get; private set; }

    public void Accept(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Records++;
        if (!workload.TryParseId(key, out var id) || _seen[id] || !workload.IsLatest(id, value, found: true))
        {
            Wrong++;
            return;
        }

        _seen[id] = true;
    }

    /// <summary>What was wrong with the scan, or <see langword="null"/> when every live key was seen once, with its latest value.</summary>
    public string? Problem() =>
        Wrong != 0 || Records != workload.LiveKeys
            ? $"the scan returned {Records:N0} records ({Wrong:N0} wrong or repeated) for {workload.LiveKeys:N0} live keys"
            : null;
}
