using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG040MessagePackKeyTests
{
    [Fact]
    public Task SLOG040_MessagePackKeyInsteadOfKey_ReportsOnAttribute() =>
        Verify.AnalyzerAsync(
            """
            using MessagePack;

            [StateLog.CompactedTopic("prices")]
            public sealed class {|SLOG001:Price|}
            {
                [{|#0:Key(0)|}] public string Sku { get; init; } = "";
            }
            """,
            Verify.Diagnostic("SLOG040").WithLocation(0).WithArguments("Price", "Sku"));

    [Fact]
    public Task SLOG040_QualifiedMessagePackKeyOnParameter_Reports() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("prices")]
            public sealed record {|SLOG001:Price|}([property: {|SLOG040:MessagePack.Key("sku")|}] string Sku, decimal Amount);
            """);

    [Fact]
    public Task SLOG040_StateLogKeyBesideMessagePackKeys_DoesNotReport() =>
        Verify.AnalyzerAsync(
            """
            [StateLog.CompactedTopic("prices")]
            [MessagePack.MessagePackObject]
            public sealed class Price
            {
                [StateLog.Key, MessagePack.Key(0)] public string Sku { get; init; } = "";
                [MessagePack.Key(1)] public decimal Amount { get; init; }
            }
            """);
}
