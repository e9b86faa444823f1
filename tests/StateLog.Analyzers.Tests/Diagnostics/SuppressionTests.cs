using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

/// <summary>Users control the diagnostics as they do any compiler warning: <c>#pragma</c> and <c>.editorconfig</c>.</summary>
public class SuppressionTests
{
    private const string TypeWithoutKey = """
        using StateLog;

        [CompactedTopic("users")]
        public sealed record {|#0:User|}(string Id);
        """;

    [Fact]
    public Task PragmaWarningDisable_SuppressesSLOG001() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            #pragma warning disable SLOG001
            [CompactedTopic("users")]
            public sealed record User(string Id);
            #pragma warning restore SLOG001
            """);

    [Fact]
    public Task EditorConfigSeverityNone_SuppressesSLOG001() =>
        RunWithEditorConfig("dotnet_diagnostic.SLOG001.severity = none");

    [Fact]
    public Task EditorConfigSeverityWarning_DowngradesSLOG001() =>
        RunWithEditorConfig(
            "dotnet_diagnostic.SLOG001.severity = warning",
            Verify.Diagnostic("SLOG001").WithLocation(0).WithArguments("User").WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task ProjectWithoutStateLog_ReportsNothing()
    {
        // An attribute that only shares the name is not StateLog's, so nothing here is a topic.
        var test = Verify.CreateAnalyzerTest(TestReferences.WithoutStateLog);
        test.TestState.Sources.Add(
            """
            namespace Other
            {
                [System.AttributeUsage(System.AttributeTargets.Class)]
                public sealed class CompactedTopicAttribute : System.Attribute
                {
                    public CompactedTopicAttribute(string name) { }
                }
            }

            [Other.CompactedTopic("../evil")]
            public sealed record User(string Id);

            [Other.CompactedTopic("../evil")]
            public sealed record Order(string Id);
            """);
        return test.RunAsync(CancellationToken.None);
    }

    private static Task RunWithEditorConfig(string rule, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected)
    {
        var test = Verify.CreateAnalyzerTest(TestReferences.All);
        test.TestState.Sources.Add(TypeWithoutKey);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", $"root = true\n\n[*.cs]\n{rule}\n"));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }
}
