using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG003UnsupportedKeyTypeTests
{
    [Fact]
    public Task SLOG003_DateTimeOffsetKey_ReportsOnKeyMember() =>
        Verify.AnalyzerAsync(
            """
            using System;
            using StateLog;

            [CompactedTopic("readings")]
            public sealed record Reading([Key] DateTimeOffset {|#0:At|}, double Value);
            """,
            Verify.Diagnostic("SLOG003").WithLocation(0).WithArguments("Reading", "At", "DateTimeOffset"));

    [Fact]
    public Task SLOG003_DoubleKeyField_ReportsOnField() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("readings")]
            public sealed class Reading
            {
                [Key] public readonly double {|SLOG003:Value|};
            }
            """);

    [Theory]
    [InlineData("string")]
    [InlineData("int")]
    [InlineData("long")]
    [InlineData("System.Guid")]
    public Task SLOG003_SupportedKeyType_DoesNotReport(string keyType) =>
        Verify.AnalyzerAsync(
            $$"""
            using StateLog;

            [CompactedTopic("readings")]
            public sealed record Reading([Key] {{keyType}} Id, double Value);
            """);
}
