using System;

namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>The two tiers of reliability.md §9.0: CI sizes by default, soak sizes under <c>STATELOG_SOAK=1</c>.</summary>
internal static class Soak
{
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("STATELOG_SOAK") == "1";

    public static int Scale(int ci, int soak) => Enabled ? soak : ci;

    /// <summary>A fresh master seed, or the one given in <c>STATELOG_SEED</c> to replay a run.</summary>
    public static int MasterSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable("STATELOG_SEED"), out var seed) ? seed : Random.Shared.Next();
}
