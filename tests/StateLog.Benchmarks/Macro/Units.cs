namespace StateLog.Benchmarks.Macro;

/// <summary>Decimal megabytes, as disk and network figures are usually quoted.</summary>
internal static class Units
{
    public const double Megabyte = 1_000_000;
}
