using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG002MultipleKeysTests
{
    [Fact]
    public Task SLOG002_TwoKeyParameters_ReportsOnTheSecond() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("orders")]
            public sealed record Order([Key] string OrderId, [Key] string {|#0:CustomerId|});
            """,
            Verify.Diagnostic("SLOG002").WithLocation(0).WithArguments("Order", "CustomerId", "OrderId"));

    [Fact]
    public Task SLOG002_ThreeKeyProperties_ReportsEachExtraOne() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("orders")]
            public sealed class Order
            {
                [Key] public string OrderId { get; init; } = "";
                [Key] public string {|SLOG002:CustomerId|} { get; init; } = "";
                [Key] public int {|SLOG002:Line|} { get; init; }
            }
            """);

    [Fact]
    public Task SLOG002_OneKey_DoesNotReport() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("orders")]
            public sealed record Order([Key] string OrderId, string CustomerId);
            """);
}
