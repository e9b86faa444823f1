using System.Collections.Immutable;
using StateLog.Generators.Parsing.Model;

namespace StateLog.Generators.Parsing;

/// <summary>What <see cref="EntityParser"/> makes of a <c>[CompactedTopic]</c> type.</summary>
/// <param name="Model">The model to generate from, or <see langword="null"/> when a problem blocks generation.</param>
/// <param name="Problems">Every rule the type breaks, blocking or not.</param>
internal sealed record ParseResult(EntityModel? Model, ImmutableArray<ParseProblem> Problems);
