using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG021DuplicateWireNameTests
{
    [Fact]
    public Task SLOG021_FieldNameTakenByMember_ReportsOnSecondMember() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("customers")]
            public sealed record Customer([Key] string Id, string Name, [Field("Name")] string {|#0:DisplayName|});
            """,
            Verify.Diagnostic("SLOG021").WithLocation(0).WithArguments("Customer", "DisplayName", "Name", "Name"));

    [Fact]
    public Task SLOG021_TwoFieldAttributesWithOneName_Reports() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("customers")]
            public sealed class Customer
            {
                [Key] public string Id { get; init; } = "";
                [Field("n")] public string First { get; init; } = "";
                [Field("n")] public string {|SLOG021:Last|} { get; init; } = "";
            }
            """);

    [Fact]
    public Task SLOG021_DistinctWireNames_DoNotReport() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("customers")]
            public sealed record Customer([Key] string Id, string Name, [Field("display")] string DisplayName);
            """);
}
