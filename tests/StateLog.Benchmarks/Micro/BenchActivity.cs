using System;
using System.Collections.Generic;

namespace StateLog.Benchmarks.Micro;

/// <summary>A typical entity for the formatter bench: strings, numbers, a timestamp and a list.</summary>
/// <param name="UserId">The key.</param>
/// <param name="Action">What the user did.</param>
/// <param name="At">When.</param>
/// <param name="Count">How many times so far.</param>
/// <param name="Score">A running score.</param>
/// <param name="Tags">Labels.</param>
[CompactedTopic("bench-activity")]
public sealed record BenchActivity([Key] string UserId, string Action, DateTimeOffset At, int Count, double Score, List<string> Tags);
