namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>One record as the model expects it: its offset, key, and unique value token (null for a tombstone).</summary>
internal sealed record ModelRecord(long Offset, string Key, string? Value)
{
    public override string ToString() => $"{Offset}:{Key}={(Value is null ? "<tombstone>" : Value.Length > 24 ? Value[..24] + "..." : Value)}";
}
