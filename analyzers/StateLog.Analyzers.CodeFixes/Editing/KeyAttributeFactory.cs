using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StateLog.Generators.Parsing;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace StateLog.Analyzers.CodeFixes.Editing;

/// <summary>
/// Writes StateLog's <c>[Key]</c> as briefly as the file allows: <c>[Key]</c> when that already means an accepted
/// key attribute, <c>[Key]</c> plus <c>using StateLog;</c> when <c>Key</c> means nothing yet, and
/// <c>[StateLog.Key]</c> when <c>Key</c> means something else (MessagePack's, or an ambiguity).
/// </summary>
internal static class KeyAttributeFactory
{
    /// <summary>
    /// Replaces <paramref name="node"/> with what <paramref name="build"/> makes of StateLog's key attribute, written for
    /// the place of <paramref name="node"/>, and adds <c>using StateLog;</c> when that is how it is written.
    /// </summary>
    public static CompilationUnitSyntax Replace(CompilationUnitSyntax root, SemanticModel model, SyntaxNode node, Func<AttributeSyntax, SyntaxNode> build)
    {
        var attribute = Create(model, node.SpanStart, out var needsUsing);
        var edited = root.ReplaceNode(node, build(attribute));
        return needsUsing ? UsingDirectives.Add(edited, "StateLog") : edited;
    }

    private static AttributeSyntax Create(SemanticModel model, int position, out bool needsUsing)
    {
        needsUsing = false;
        var bound = model.GetSpeculativeSymbolInfo(position, IdentifierName("KeyAttribute"), SpeculativeBindingOption.BindAsTypeOrNamespace);
        if (bound.Symbol is INamedTypeSymbol type && IsAcceptedKey(type))
        {
            return Attribute(IdentifierName("Key"));
        }

        if (bound.Symbol is null && bound.CandidateSymbols.IsEmpty)
        {
            needsUsing = true;
            return Attribute(IdentifierName("Key"));
        }

        var qualified = model.GetSpeculativeSymbolInfo(position, ParseName(KnownTypeNames.KeyAttribute), SpeculativeBindingOption.BindAsTypeOrNamespace);
        var prefix = qualified.Symbol is INamedTypeSymbol ? "StateLog" : "global::StateLog";
        return Attribute(ParseName(prefix + ".Key"));
    }

    /// <summary>Whether <paramref name="type"/> is an attribute StateLog reads as the key marker.</summary>
    public static bool IsAcceptedKey(INamedTypeSymbol? type) =>
        type?.ToDisplayString() is KnownTypeNames.KeyAttribute or KnownTypeNames.DataAnnotationsKeyAttribute;

    /// <summary>The first attribute in <paramref name="lists"/> that marks a key, by its bound type.</summary>
    public static AttributeSyntax? FindKeyAttribute(SemanticModel model, SyntaxList<AttributeListSyntax> lists) =>
        lists.SelectMany(l => l.Attributes)
            .FirstOrDefault(a => IsAcceptedKey(model.GetTypeInfo(a).Type as INamedTypeSymbol));
}
