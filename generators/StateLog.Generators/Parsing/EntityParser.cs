using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StateLog.Generators.Parsing.Model;

namespace StateLog.Generators.Parsing;

/// <summary>
/// Turns a <c>[CompactedTopic]</c> type into an <see cref="EntityModel"/> plus the rules it breaks. Shared by the
/// generator (which keeps only the model) and the analyzers (which report the problems).
/// </summary>
internal static class EntityParser
{
    /// <summary>Parses <paramref name="type"/>, which carries <paramref name="attribute"/> (<c>[CompactedTopic]</c>).</summary>
    public static ParseResult Parse(INamedTypeSymbol type, AttributeData attribute, CancellationToken ct)
    {
        var problems = new List<ParseProblem>();
        var display = type.ToDisplayString(ShapeBuilder.TypeFormat);
        var typeLocation = type.Locations.FirstOrDefault() ?? Location.None;
        var within = type.ContainingAssembly;
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(ct) as AttributeSyntax;

        if (!Reachability.IsTypeAccessible(type, within))
        {
            problems.Add(Problem(ProblemIds.InaccessibleEntity, typeLocation, display));
        }

        var isGeneric = false;
        for (var t = type; t is not null; t = t.ContainingType)
        {
            isGeneric |= t.IsGenericType;
        }

        if (isGeneric)
        {
            problems.Add(Problem(ProblemIds.GenericEntity, typeLocation, display));
        }

        var topicName = attribute.ConstructorArguments.FirstOrDefault().Value as string;
        if (TopicName.NewTopicProblem(topicName) is { } reason)
        {
            var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null);
            problems.Add(Problem(ProblemIds.InvalidTopicName, argument?.GetLocation() ?? syntax?.GetLocation() ?? typeLocation, display, topicName ?? "", reason));
        }

        var partitions = 1;
        foreach (var named in attribute.NamedArguments)
        {
            if (named is { Key: "Partitions", Value.Value: int count })
            {
                partitions = count;
            }
        }

        if (partitions < 1)
        {
            var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Partitions");
            problems.Add(Problem(
                ProblemIds.InvalidPartitions, argument?.GetLocation() ?? syntax?.GetLocation() ?? typeLocation, display, partitions.ToString(CultureInfo.InvariantCulture)));
        }

        var members = DataMember.Collect(type, within, ct);
        var key = FindKey(display, typeLocation, members, problems, ct);
        var shape = new ShapeBuilder(within, problems, ct);
        if (!isGeneric && !shape.AddEntity(type, members, type.Name + "Formatter", typeLocation))
        {
            // No constructor can rebuild the entity from its members: the entity itself cannot be read back.
            problems.Add(Problem(ProblemIds.UnserializableMember, typeLocation, display, type.Name, type.ToDisplayString(ShapeBuilder.MessageFormat)));
        }
        else if (key is { } k && !isGeneric && !shape.Objects.First().Members.Any(m => m.Name == k.Member.Name))
        {
            // A key with no setter, init or constructor parameter is not written and could not be set on read: every
            // value read back would carry a default key.
            problems.Add(Problem(ProblemIds.UnrestorableKey, k.Member.Location, display, k.Member.Name));
        }

        if (key is null || problems.Any(p => p.BlocksGeneration))
        {
            return new ParseResult(null, problems.ToImmutableArray());
        }

        var ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        var model = new EntityModel(
            ns,
            type.Name,
            (ns.Length == 0 ? "" : ns + ".") + display + ".StateLog.g.cs",
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            Reachability.IsPublic(type),
            topicName!,
            partitions.ToString(CultureInfo.InvariantCulture),
            key.Value.Member.Name,
            key.Value.Kind,
            new EquatableArray<ObjectModel>(shape.Objects),
            new EquatableArray<FormatterEntry>(shape.Formatters));
        return new ParseResult(model, problems.ToImmutableArray());
    }

    /// <summary>The first <c>[Key]</c> member and its kind; reports SLOG001/002/003/040/041.</summary>
    private static (DataMember Member, KeyKind Kind)? FindKey(
        string display, Location typeLocation, IReadOnlyList<DataMember> members, List<ParseProblem> problems, CancellationToken ct)
    {
        var keys = members.Where(m => m.FindAttribute(KnownTypeNames.KeyAttribute) is not null
            || m.FindAttribute(KnownTypeNames.DataAnnotationsKeyAttribute) is not null).ToList();
        if (keys.Count == 0)
        {
            problems.Add(Problem(ProblemIds.NoKey, typeLocation, display));
            foreach (var member in members)
            {
                if (member.FindAttribute(KnownTypeNames.MessagePackKeyAttribute)?.ApplicationSyntaxReference is { } reference)
                {
                    problems.Add(Problem(ProblemIds.MessagePackKey, reference.GetSyntax(ct).GetLocation(), blocks: false, display, member.Name));
                }
            }

            return null;
        }

        var key = keys[0];
        foreach (var extra in keys.Skip(1))
        {
            problems.Add(Problem(ProblemIds.MultipleKeys, extra.Location, display, extra.Name, key.Name));
        }

        if (key.IsMutable)
        {
            problems.Add(Problem(ProblemIds.MutableKey, key.Location, blocks: false, display, key.Name));
        }

        KeyKind? kind = key.Type.SpecialType switch
        {
            SpecialType.System_String => KeyKind.String,
            SpecialType.System_Int32 => KeyKind.Int32,
            SpecialType.System_Int64 => KeyKind.Int64,
            _ when key.Type.ToDisplayString() == KnownTypeNames.Guid => KeyKind.Guid,
            _ => null,
        };
        if (kind is null)
        {
            problems.Add(Problem(ProblemIds.UnsupportedKeyType, key.Location, display, key.Name, key.Type.ToDisplayString(ShapeBuilder.MessageFormat)));
            return null;
        }

        return (key, kind.Value);
    }

    private static ParseProblem Problem(string id, Location location, params string[] args) =>
        Problem(id, location, blocks: true, args);

    private static ParseProblem Problem(string id, Location location, bool blocks, params string[] args) =>
        new(id, location, ImmutableArray.Create(args), blocks);
}
