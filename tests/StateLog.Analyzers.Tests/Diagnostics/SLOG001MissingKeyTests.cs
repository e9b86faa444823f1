using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG001MissingKeyTests
{
    [Fact]
    public Task SLOG001_TypeWithoutKey_ReportsOnTypeIdentifier() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            namespace App;

            [CompactedTopic("users")]
            public sealed class {|#0:User|}
            {
                public string Id { get; init; } = "";
            }
            """,
            Verify.Diagnostic("SLOG001").WithLocation(0).WithArguments("User"));

    [Fact]
    public Task SLOG001_RecordWithoutKey_ReportsOnRecordIdentifier() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("users")]
            public sealed record {|SLOG001:User|}(string Id, string Name);
            """);

    [Fact]
    public Task SLOG001_RecordWithKeyOnParameter_DoesNotReport() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("users")]
            public sealed record User([Key] string Id, string Name);
            """);

    [Fact]
    public Task SLOG001_DataAnnotationsKey_DoesNotReport() =>
        Verify.AnalyzerAsync(
            """
            using System.ComponentModel.DataAnnotations;

            [StateLog.CompactedTopic("users")]
            public sealed class User
            {
                [Key] public int UserId { get; init; }
            }
            """);

    [Fact]
    public Task SLOG001_TypeWithoutCompactedTopic_DoesNotReport() =>
        Verify.AnalyzerAsync(
            """
            public sealed record User(string Id, string Name);
            """);
}
