using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG007GenericEntityTests
{
    [Fact]
    public Task SLOG007_GenericType_ReportsOnTypeIdentifier() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("envelopes")]
            public sealed record {|#0:Envelope|}<T>([Key] string Id, T Body);
            """,
            Verify.Diagnostic("SLOG007").WithLocation(0).WithArguments("Envelope<T>"));

    [Fact]
    public Task SLOG007_NestedInGenericType_Reports() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            public class Outer<T>
            {
                [CompactedTopic("envelopes")]
                public sealed record {|SLOG007:Envelope|}([Key] string Id);
            }
            """);

    [Fact]
    public Task SLOG007_NonGenericTypeInNonGenericType_DoesNotReport() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            public class Outer
            {
                [CompactedTopic("envelopes")]
                public sealed record Envelope([Key] string Id, string Body);
            }
            """);
}
