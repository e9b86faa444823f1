using System.Collections.Generic;
using System.Linq;

namespace StateLog;

/// <summary>What <see cref="StateLogEngine.Verify"/> found: one entry per partition, plus problems of the data directory itself.</summary>
/// <param name="Partitions">The findings of every open partition, in topic then partition order.</param>
/// <param name="Problems">Problems of the data directory as a whole (the topic list, the recovery-point checkpoint).</param>
public sealed record StateLogVerifyReport(IReadOnlyList<PartitionVerifyResult> Partitions, IReadOnlyList<string> Problems)
{
    /// <summary>Whether no problem was found anywhere.</summary>
    public bool IsClean => Problems.Count == 0 && Partitions.All(p => p.IsClean);

    /// <summary>Every problem, each prefixed with the partition it belongs to.</summary>
    public IEnumerable<string> AllProblems =>
        Problems.Concat(Partitions.SelectMany(p => p.Problems.Select(problem => $"{p.Topic}-{p.Partition}: {problem}")));

    /// <inheritdoc/>
    public override string ToString() => IsClean ? $"clean ({Partitions.Count} partitions)" : string.Join("\n", AllProblems);
}
