using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG006InaccessibleEntityTests
{
    [Fact]
    public Task SLOG006_PrivateNestedType_ReportsOnTypeIdentifier() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            public class Outer
            {
                [CompactedTopic("carts")]
                private sealed record {|#0:Cart|}([Key] string Id);
            }
            """,
            Verify.Diagnostic("SLOG006").WithLocation(0).WithArguments("Outer.Cart"));

    [Fact]
    public Task SLOG006_PublicTypeInsidePrivateType_Reports() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            public class Outer
            {
                private class Middle
                {
                    [CompactedTopic("carts")]
                    public sealed record {|SLOG006:Cart|}([Key] string Id);
                }
            }
            """);

    [Fact]
    public Task SLOG006_InternalNestedType_DoesNotReport() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            public class Outer
            {
                [CompactedTopic("carts")]
                internal sealed record Cart([Key] string Id);
            }
            """);
}
