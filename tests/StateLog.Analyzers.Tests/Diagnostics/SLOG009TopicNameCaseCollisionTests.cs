using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG009TopicNameCaseCollisionTests
{
    [Fact]
    public Task SLOG009_NamesDifferingOnlyInCase_ReportsOnTheSecondType() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("users")]
            public sealed record User([Key] string Id);

            [CompactedTopic({|#0:"Users"|})]
            public sealed record UserProfile([Key] string Id);
            """,
            Verify.Diagnostic("SLOG009").WithLocation(0).WithArguments("UserProfile", "Users", "users", "User"));

    [Fact]
    public Task SLOG009_ExactAndCaseDuplicates_EachGetTheirOwnDiagnostic() =>
        Verify.AnalyzerAsync(
            new[]
            {
                """
                using StateLog;

                [CompactedTopic("Orders")]
                public sealed record A([Key] string Id);

                [CompactedTopic({|#0:"ORDERS"|})]
                public sealed record B([Key] string Id);
                """,
                """
                using StateLog;

                [CompactedTopic({|#1:"ORDERS"|})]
                public sealed record C([Key] string Id);

                [CompactedTopic({|#2:"Orders"|})]
                public sealed record D([Key] string Id);
                """,
            },
            Verify.Diagnostic("SLOG009").WithLocation(0).WithArguments("B", "ORDERS", "Orders", "A"),
            Verify.Diagnostic("SLOG005").WithLocation(1).WithArguments("C", "ORDERS", "B"),
            Verify.Diagnostic("SLOG005").WithLocation(2).WithArguments("D", "Orders", "A"));
}
