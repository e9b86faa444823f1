using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG004InvalidTopicNameTests
{
    [Fact]
    public Task SLOG004_PathInName_ReportsOnNameArgument() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic({|#0:"../evil"|}, Partitions = 2)]
            public sealed record Session([Key] string Id);
            """,
            Verify.Diagnostic("SLOG004").WithLocation(0).WithArguments(
                "Session",
                "../evil",
                "A topic name may contain only ASCII letters, digits, '.', '_' and '-', but '../evil' contains '/'."));

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\".\"")]
    [InlineData("\"..\"")]
    [InlineData("\"a b\"")]
    [InlineData("\"con.events\"")]
    [InlineData("\"COM7.x\"")]
    [InlineData("null")]
    public Task SLOG004_InvalidName_Reports(string literal) =>
        Verify.AnalyzerAsync(
            $$"""
            using StateLog;

            [CompactedTopic({|SLOG004:{{literal}}|})]
            public sealed record Session([Key] string Id);
            """);

    [Fact]
    public Task SLOG004_NameTooLong_ReportsOnConstantArgument() =>
        Verify.AnalyzerAsync(
            $$"""
            using StateLog;

            [CompactedTopic({|SLOG004:Names.Long|})]
            public sealed record Session([Key] string Id);

            internal static class Names
            {
                public const string Long = "{{new string('a', 250)}}";
            }
            """);

    [Theory]
    [InlineData("user-activity")]
    [InlineData("Orders.v2_eu")]
    [InlineData("...")]
    [InlineData("console.v2")]
    public Task SLOG004_ValidName_DoesNotReport(string name) =>
        Verify.AnalyzerAsync(
            $$"""
            using StateLog;

            [CompactedTopic("{{name}}")]
            public sealed record Session([Key] string Id);
            """);
}
