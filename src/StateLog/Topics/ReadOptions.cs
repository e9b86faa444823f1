namespace StateLog;

/// <summary>What <c>ReadAsync</c> reads.</summary>
public sealed record ReadOptions
{
    /// <summary>Only this partition; <see langword="null"/> reads every partition, one after another unless <see cref="Follow"/> is set.</summary>
    public int? Partition { get; init; }

    /// <summary>The first offset to read (per partition). A removed offset starts at the next record that survives. Default: the log start.</summary>
    public long FromOffset { get; init; }

    /// <summary>Keep waiting for new records once the end is reached, until the token is cancelled.</summary>
    public bool Follow { get; init; }
}
