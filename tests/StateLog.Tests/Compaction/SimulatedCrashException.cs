using System;

namespace StateLog.Tests.Compaction;

/// <summary>What a test's crash point throws after taking its snapshot of the data folder.</summary>
internal sealed class SimulatedCrashException(string point) : Exception($"Simulated crash at {point}.");
