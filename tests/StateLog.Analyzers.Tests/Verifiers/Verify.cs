using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace StateLog.Analyzers.Tests.Verifiers;

/// <summary>
/// Runs <see cref="EntityDefinitionAnalyzer"/> (and a code fix) over sources written with Testing's markup:
/// <c>{|SLOG001:Name|}</c> marks the exact span of an expected diagnostic, <c>{|#0:Name|}</c> a span that a
/// <see cref="DiagnosticResult"/> refers to with <c>WithLocation(0)</c>.
/// </summary>
internal static class Verify
{
    /// <summary>An expected diagnostic of <paramref name="id"/>, to complete with a location and arguments.</summary>
    public static DiagnosticResult Diagnostic(string id) =>
        new(DiagnosticDescriptors.ForId(id) ?? throw new System.ArgumentException($"No descriptor for {id}.", nameof(id)));

    /// <summary>Checks that the analyzer reports exactly the marked and <paramref name="expected"/> diagnostics.</summary>
    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected) =>
        AnalyzerAsync(new[] { source }, expected);

    /// <summary>The same over several files of one project (the first is <c>/0/Test0.cs</c>, then <c>Test1.cs</c>...).</summary>
    public static Task AnalyzerAsync(string[] sources, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<EntityDefinitionAnalyzer, DefaultVerifier>();
        Configure(test, TestReferences.All);
        AddSources(test.TestState.Sources, sources);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Creates an analyzer test to adjust (analyzer config, references) before running.</summary>
    public static CSharpAnalyzerTest<EntityDefinitionAnalyzer, DefaultVerifier> CreateAnalyzerTest(ImmutableArray<MetadataReference> references)
    {
        var test = new CSharpAnalyzerTest<EntityDefinitionAnalyzer, DefaultVerifier>();
        Configure(test, references);
        return test;
    }

    /// <summary>
    /// Applies the fix with <paramref name="equivalenceKey"/> (or the only one) and compares with <paramref name="fixedSource"/>;
    /// Testing also applies fix-all in document, project and solution scope and expects the same result.
    /// </summary>
    public static Task CodeFixAsync<TFix>(string source, string fixedSource, string? equivalenceKey = null, string? title = null)
        where TFix : CodeFixProvider, new() =>
        CodeFixAsync<TFix>(new[] { source }, new[] { fixedSource }, equivalenceKey, title);

    /// <summary>The same over several files; with several diagnostics this is the fix-all test.</summary>
    public static Task CodeFixAsync<TFix>(string[] sources, string[] fixedSources, string? equivalenceKey = null, string? title = null)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<EntityDefinitionAnalyzer, TFix, DefaultVerifier>();
        Configure(test, TestReferences.All);
        AddSources(test.TestState.Sources, sources);
        AddSources(test.FixedState.Sources, fixedSources);
        test.CodeActionEquivalenceKey = equivalenceKey;
        if (title is not null)
        {
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title);
        }

        return test.RunAsync(CancellationToken.None);
    }

    private static void AddSources(SourceFileList list, string[] sources)
    {
        foreach (var source in sources)
        {
            list.Add(source);
        }
    }

    private static void Configure(AnalyzerTest<DefaultVerifier> test, ImmutableArray<MetadataReference> references)
    {
        test.ReferenceAssemblies = TestReferences.None;

        // SLOG020 has a second descriptor (the entity case); markup means the first, the member case.
        test.MarkupOptions = MarkupOptions.UseFirstDescriptor;
        test.TestState.AdditionalReferences.AddRange(references);
    }
}
