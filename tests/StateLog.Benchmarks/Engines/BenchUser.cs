namespace StateLog.Benchmarks.Engines;

/// <summary>The typed engine's entity: the macro workload's key and value as a compacted-topic record.</summary>
/// <param name="Id">The key, <c>user-&lt;id&gt;</c>.</param>
/// <param name="Payload">The random value bytes (MessagePack bin).</param>
[CompactedTopic("bench-typed")]
public sealed record BenchUser([Key] string Id, byte[] Payload);
