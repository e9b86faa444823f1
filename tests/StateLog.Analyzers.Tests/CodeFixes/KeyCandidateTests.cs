using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StateLog.Analyzers.CodeFixes.AddKey;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.CodeFixes;

/// <summary>Which members the SLOG001 fix offers, and in which order (one code action each).</summary>
public class KeyCandidateTests
{
    [Fact]
    public void Find_OffersNamedMembersFirstThenKeyTypedOnes()
    {
        var candidates = Find(
            """
            public sealed record User(string Email, double Score, string Key)
            {
                public static string Shared { get; } = "";
                public const int Version = 1;
                public System.Guid Token { get; init; }
                public string Display => Email;
                public int UserId { get; init; }
                public long Id;
                public int A, B;
            }
            """);

        Assert.Equal(
            new[] { ("Key", "Key"), ("UserId", "TypeId"), ("Id", "Id"), ("Email", "Member:Email"), ("Token", "Member:Token") },
            candidates.Select(c => (c.Name, c.Rule)));
    }

    [Fact]
    public void Find_OffersNothingWithoutLikelyMembers()
    {
        Assert.Empty(Find("public sealed class Sample { public double Value { get; init; } public bool Valid; }"));
    }

    private static System.Collections.Generic.IReadOnlyList<KeyCandidate> Find(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create("Test", new[] { tree }, TestReferences.All);
        var type = tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().First();
        return KeyCandidate.Find(type, compilation.GetSemanticModel(tree), CancellationToken.None);
    }
}
