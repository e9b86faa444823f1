using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace StateLog.Analyzers.CodeFixes.Editing;

/// <summary>Adds a <c>using</c> directive in sorted position (System first), keeping the file's header comment on top.</summary>
internal static class UsingDirectives
{
    public static CompilationUnitSyntax Add(CompilationUnitSyntax root, string namespaceName)
    {
        if (root.Usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == namespaceName))
        {
            return root;
        }

        var endOfLine = Trivia.EndOfLine(root);
        var directive = UsingDirective(ParseName(namespaceName))
            .WithUsingKeyword(Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(Space))
            .WithTrailingTrivia(endOfLine);

        if (root.Usings.Count == 0)
        {
            // The header comment (the first token's leading trivia) stays above the new directive.
            var first = root.GetFirstToken(includeZeroWidth: true);
            var header = first.LeadingTrivia;
            root = root.ReplaceToken(first, first.WithLeadingTrivia());
            return root.WithUsings(SingletonList(directive.WithLeadingTrivia(header).WithTrailingTrivia(endOfLine, endOfLine)));
        }

        var index = 0;
        while (index < root.Usings.Count && Compare(root.Usings[index], namespaceName) < 0)
        {
            index++;
        }

        if (index == 0)
        {
            // Take over the first directive's leading trivia (the header), so the header stays first.
            var first = root.Usings[0];
            var usings = root.Usings.Replace(first, first.WithLeadingTrivia()).Insert(0, directive.WithLeadingTrivia(first.GetLeadingTrivia()));
            return root.WithUsings(usings);
        }

        return root.WithUsings(root.Usings.Insert(index, directive));
    }

    private static int Compare(UsingDirectiveSyntax existing, string namespaceName)
    {
        if (existing.Alias is not null || !existing.StaticKeyword.IsKind(SyntaxKind.None))
        {
            // Aliases and static usings go after plain namespace usings.
            return 1;
        }

        var name = existing.Name?.ToString() ?? string.Empty;
        var existingIsSystem = IsSystem(name);
        if (existingIsSystem != IsSystem(namespaceName))
        {
            return existingIsSystem ? -1 : 1;
        }

        return string.Compare(name, namespaceName, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsSystem(string name) => name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
}
