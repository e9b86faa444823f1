using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace StateLog.Generators.Parsing;

/// <summary>
/// One rule a <c>[CompactedTopic]</c> type breaks. Holds a <see cref="Location"/>, so it never enters the generator
/// pipeline: the analyzers turn it into a diagnostic.
/// </summary>
/// <param name="Id">One of <see cref="ProblemIds"/>.</param>
/// <param name="Location">Where to report it.</param>
/// <param name="Args">The message arguments, in the order <see cref="ProblemIds"/> documents.</param>
/// <param name="BlocksGeneration">Whether the generator must emit nothing for the type.</param>
internal sealed record ParseProblem(string Id, Location Location, ImmutableArray<string> Args, bool BlocksGeneration);
