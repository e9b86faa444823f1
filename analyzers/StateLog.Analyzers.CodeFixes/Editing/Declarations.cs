using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StateLog.Analyzers.CodeFixes.Editing;

/// <summary>Finds the declaration that carries attributes for a member named at a diagnostic's location.</summary>
internal static class Declarations
{
    /// <summary>
    /// The property, the single-variable field or the positional-record parameter whose identifier is
    /// <paramref name="identifier"/>, or <see langword="null"/>.
    /// </summary>
    public static SyntaxNode? OfIdentifier(SyntaxToken identifier) => identifier.Parent switch
    {
        ParameterSyntax parameter => parameter,
        PropertyDeclarationSyntax property => property,
        VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax field } } => field,
        _ => null,
    };

    /// <summary>The attribute lists of a declaration found by <see cref="OfIdentifier"/>.</summary>
    public static SyntaxList<AttributeListSyntax> AttributeListsOf(SyntaxNode declaration) => declaration switch
    {
        ParameterSyntax parameter => parameter.AttributeLists,
        MemberDeclarationSyntax member => member.AttributeLists,
        _ => default,
    };
}
