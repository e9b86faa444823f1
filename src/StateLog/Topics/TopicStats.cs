using System.Collections.Generic;

namespace StateLog;

/// <summary>A snapshot of a topic's partitions.</summary>
/// <param name="Topic">The topic name.</param>
/// <param name="Partitions">One entry per partition, in partition order.</param>
public sealed record TopicStats(string Topic, IReadOnlyList<PartitionStats> Partitions);
