namespace StateLog.Benchmarks.Macro;

/// <summary>How the workload picks the key of each update and of each point read.</summary>
internal enum KeyDistribution
{
    /// <summary>Zipf with exponent 0.99 (YCSB's default skew): a few hot keys take most updates.</summary>
    Zipf,

    /// <summary>Every key equally likely.</summary>
    Uniform,
}
