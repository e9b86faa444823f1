using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace StateLog;

/// <summary>
/// <c>CompactAsync</c> could not clean some partitions (a corrupt batch, an I/O error). The other partitions were
/// cleaned (<see cref="Result"/>); the failed ones are marked in <c>GetStats</c> and retried by the background cleaner
/// with backoff.
/// </summary>
public sealed class CompactionFailedException : StateLogException
{
    /// <summary>Creates the exception.</summary>
    public CompactionFailedException(string topic, CompactionResult result, IReadOnlyDictionary<int, Exception> failures)
        : base(Describe(topic, failures), failures.Values.FirstOrDefault())
    {
        Topic = topic;
        Result = result;
        Failures = failures;
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>What the partitions that did not fail were cleaned of.</summary>
    public CompactionResult Result { get; }

    /// <summary>Why each failed partition failed, by partition number.</summary>
    public IReadOnlyDictionary<int, Exception> Failures { get; }

    private static string Describe(string topic, IReadOnlyDictionary<int, Exception> failures) =>
        string.Create(CultureInfo.InvariantCulture, $"Compacting topic '{topic}' failed for partition(s) {string.Join(", ", failures.Keys.Order())}: ")
        + string.Join("; ", failures.OrderBy(f => f.Key).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key}: {f.Value.Message}")));
}
