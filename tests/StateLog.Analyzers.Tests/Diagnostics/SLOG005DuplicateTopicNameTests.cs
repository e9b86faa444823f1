using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG005DuplicateTopicNameTests
{
    [Fact]
    public Task SLOG005_SameNameInOneFile_ReportsOnTheSecondType() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("users")]
            public sealed record User([Key] string Id, string Name);

            [CompactedTopic({|#0:"users"|})]
            public sealed record UserProfile([Key] string Id, string Bio);
            """,
            Verify.Diagnostic("SLOG005").WithLocation(0).WithArguments("UserProfile", "users", "User"));

    [Fact]
    public Task SLOG005_SameNameInThreeFiles_ReportsEveryTypeAfterTheFirstFile() =>
        Verify.AnalyzerAsync(
            new[]
            {
                """
                using StateLog;

                [CompactedTopic("users")]
                public sealed record B([Key] string Id);
                """,
                """
                using StateLog;

                [CompactedTopic({|#0:"users"|})]
                public sealed record A([Key] string Id);
                """,
                """
                using StateLog;

                namespace App;

                public static class Outer
                {
                    [CompactedTopic({|#1:"users"|}, Partitions = 3)]
                    public sealed record C([Key] string Id);
                }
                """,
            },
            Verify.Diagnostic("SLOG005").WithLocation(0).WithArguments("A", "users", "B"),
            Verify.Diagnostic("SLOG005").WithLocation(1).WithArguments("Outer.C", "users", "B"));

    /// <summary>Neither SLOG005 nor SLOG009: the names differ in more than letter case.</summary>
    [Theory]
    [InlineData("user-profiles")]
    [InlineData("Users.v2")]
    public Task SLOG005_DistinctNames_DoNotReport(string other) =>
        Verify.AnalyzerAsync(
            $$"""
            using StateLog;

            [CompactedTopic("users")]
            public sealed record User([Key] string Id);

            [CompactedTopic("{{other}}")]
            public sealed record UserProfile([Key] string Id);
            """);
}
