using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StateLog.Generators.Parsing;

namespace StateLog.Analyzers.CodeFixes.AddKey;

/// <summary>A member that probably identifies a record: named <c>Id</c>, <c>{Type}Id</c> or <c>Key</c>, or of a key type.</summary>
internal sealed class KeyCandidate
{
    private KeyCandidate(string name, SyntaxNode declaration, string rule)
    {
        Name = name;
        Declaration = declaration;
        Rule = rule;
    }

    public string Name { get; }

    /// <summary>The property, field or positional-record parameter to mark.</summary>
    public SyntaxNode Declaration { get; }

    /// <summary>
    /// Why the member was picked (<c>Id</c>, <c>TypeId</c>, <c>Key</c>, or <c>Member:{name}</c>); fixes with one rule
    /// are applied together by fix-all, so "mark every {Type}Id" works across types.
    /// </summary>
    public string Rule { get; }

    /// <summary>The candidates of one type declaration: the named ones first, then the others in source order.</summary>
    public static IReadOnlyList<KeyCandidate> Find(TypeDeclarationSyntax type, SemanticModel model, CancellationToken cancellationToken)
    {
        var typeName = type.Identifier.ValueText;
        var candidates = new List<KeyCandidate>();
        foreach (var (identifier, declaration) in Members(type))
        {
            var name = identifier.ValueText;
            var rule = NamedRule(name, typeName);
            if (rule is null && IsKeyType(model, identifier.Parent!, cancellationToken))
            {
                rule = "Member:" + name;
            }

            if (rule is not null)
            {
                candidates.Add(new KeyCandidate(name, declaration, rule));
            }
        }

        return candidates.OrderBy(c => c.Rule.StartsWith("Member:", StringComparison.Ordinal) ? 1 : 0).ToList();
    }

    private static string? NamedRule(string name, string typeName)
    {
        if (string.Equals(name, "Id", StringComparison.OrdinalIgnoreCase))
        {
            return "Id";
        }

        if (string.Equals(name, typeName + "Id", StringComparison.OrdinalIgnoreCase))
        {
            return "TypeId";
        }

        return string.Equals(name, "Key", StringComparison.OrdinalIgnoreCase) ? "Key" : null;
    }

    /// <summary>Positional-record parameters, instance auto-properties and single-variable instance fields.</summary>
    private static IEnumerable<(SyntaxToken Identifier, SyntaxNode Declaration)> Members(TypeDeclarationSyntax type)
    {
        if (type is RecordDeclarationSyntax { ParameterList: { } parameters })
        {
            foreach (var parameter in parameters.Parameters)
            {
                yield return (parameter.Identifier, parameter);
            }
        }

        foreach (var member in type.Members)
        {
            if (member.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword) || m.IsKind(SyntaxKind.ConstKeyword)))
            {
                continue;
            }

            switch (member)
            {
                case PropertyDeclarationSyntax { ExpressionBody: null } property:
                    yield return (property.Identifier, property);
                    break;
                case FieldDeclarationSyntax { Declaration.Variables.Count: 1 } field:
                    yield return (field.Declaration.Variables[0].Identifier, field);
                    break;
            }
        }
    }

    private static bool IsKeyType(SemanticModel model, SyntaxNode identifierOwner, CancellationToken cancellationToken)
    {
        var type = model.GetDeclaredSymbol(identifierOwner, cancellationToken) switch
        {
            IPropertySymbol property => property.Type,
            IFieldSymbol field => field.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };

        return type?.SpecialType is SpecialType.System_String or SpecialType.System_Int32 or SpecialType.System_Int64
            || type?.ToDisplayString() == KnownTypeNames.Guid;
    }
}
