namespace StateLog.IntegrationTests.Diagnostics;

/// <summary>
/// Tests that listen to the process-wide meter run apart from the others: enabling an instrument is global, and the
/// allocation test needs no listener anywhere.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeterCollection
{
    public const string Name = "StateLog meter";
}
