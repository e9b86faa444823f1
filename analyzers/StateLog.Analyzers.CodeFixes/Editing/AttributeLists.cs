using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace StateLog.Analyzers.CodeFixes.Editing;

/// <summary>
/// Adds and removes attribute lists on members (one list per line) and on parameters (inline), keeping the
/// declaration's comments and indentation where they were.
/// </summary>
internal static class AttributeLists
{
    /// <summary>Adds <c>[attribute]</c> to a property, field or positional-record parameter.</summary>
    public static SyntaxNode Add(SyntaxNode declaration, AttributeSyntax attribute)
    {
        var list = AttributeList(SingletonSeparatedList(attribute));
        return declaration switch
        {
            ParameterSyntax parameter => AddToParameter(parameter, list),
            MemberDeclarationSyntax member => AddToMember(member, list),
            _ => declaration,
        };
    }

    /// <summary>Removes <paramref name="attribute"/>, and its list when it was the list's only attribute.</summary>
    public static SyntaxNode Remove(SyntaxNode declaration, AttributeSyntax attribute)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        if (list.Attributes.Count > 1)
        {
            return declaration.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute)));
        }

        var lists = Declarations.AttributeListsOf(declaration);
        var index = lists.IndexOf(list);
        var remaining = lists.RemoveAt(index);
        var updated = WithLists(declaration, remaining);
        if (index != 0)
        {
            return updated;
        }

        // The removed list was first: what follows it takes over its leading trivia (comments, indentation).
        var next = updated.GetFirstToken();
        return updated.ReplaceToken(next, next.WithLeadingTrivia(list.GetLeadingTrivia()));
    }

    private static SyntaxNode AddToParameter(ParameterSyntax parameter, AttributeListSyntax list)
    {
        if (parameter.AttributeLists.Count > 0)
        {
            return parameter.AddAttributeLists(list.WithTrailingTrivia(Space));
        }

        var leading = parameter.GetLeadingTrivia();
        return parameter.WithoutLeadingTrivia()
            .WithAttributeLists(SingletonList(list.WithLeadingTrivia(leading).WithTrailingTrivia(Space)));
    }

    private static SyntaxNode AddToMember(MemberDeclarationSyntax member, AttributeListSyntax list)
    {
        var endOfLine = Trivia.EndOfLine(member.SyntaxTree.GetRoot());
        var indentation = Trivia.Indentation(member.GetFirstToken());
        if (member.AttributeLists.Count > 0)
        {
            return member.AddAttributeLists(list.WithLeadingTrivia(indentation).WithTrailingTrivia(endOfLine));
        }

        var leading = member.GetLeadingTrivia();
        return member.WithLeadingTrivia(indentation)
            .WithAttributeLists(SingletonList(list.WithLeadingTrivia(leading).WithTrailingTrivia(endOfLine)));
    }

    private static SyntaxNode WithLists(SyntaxNode declaration, SyntaxList<AttributeListSyntax> lists) => declaration switch
    {
        ParameterSyntax parameter => parameter.WithAttributeLists(lists),
        MemberDeclarationSyntax member => member.WithAttributeLists(lists),
        _ => declaration,
    };
}
