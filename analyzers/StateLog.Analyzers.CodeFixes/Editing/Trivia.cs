using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace StateLog.Analyzers.CodeFixes.Editing;

/// <summary>Whitespace taken from the file being edited, so a fix keeps its line endings and indentation.</summary>
internal static class Trivia
{
    /// <summary>The file's first line ending, or <c>\n</c> for a one-line file.</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode root) =>
        root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is var found && found.IsKind(SyntaxKind.EndOfLineTrivia)
            ? found
            : LineFeed;

    /// <summary>The whitespace right before <paramref name="token"/> on its line.</summary>
    public static SyntaxTriviaList Indentation(SyntaxToken token) =>
        token.LeadingTrivia.Count > 0 && token.LeadingTrivia.Last().IsKind(SyntaxKind.WhitespaceTrivia)
            ? TriviaList(token.LeadingTrivia.Last())
            : TriviaList();
}
