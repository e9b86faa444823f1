using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG008InvalidPartitionCountTests
{
    [Fact]
    public Task SLOG008_ZeroPartitions_ReportsOnPartitionsArgument() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("devices", {|#0:Partitions = 0|})]
            public sealed record Device([Key] System.Guid Id);
            """,
            Verify.Diagnostic("SLOG008").WithLocation(0).WithArguments("Device", "0"));

    [Fact]
    public Task SLOG008_NegativePartitions_Reports() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("devices", {|SLOG008:Partitions = -3|})]
            public sealed record Device([Key] System.Guid Id);
            """);

    [Theory]
    [InlineData(", Partitions = 1")]
    [InlineData(", Partitions = 12")]
    [InlineData("")]
    public Task SLOG008_PositivePartitions_DoesNotReport(string partitions) =>
        Verify.AnalyzerAsync(
            $$"""
            using StateLog;

            [CompactedTopic("devices"{{partitions}})]
            public sealed record Device([Key] System.Guid Id);
            """);
}
