using System.Threading.Tasks;
using StateLog.Analyzers.CodeFixes.UseStateLogKey;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.CodeFixes;

public class UseStateLogKeyCodeFixTests
{
    [Fact]
    public Task SLOG040_Fix_QualifiesWhenKeyMeansMessagePack() =>
        Verify.CodeFixAsync<UseStateLogKeyCodeFixProvider>(
            """
            using MessagePack;

            [StateLog.CompactedTopic("prices")]
            public sealed class {|SLOG001:Price|}
            {
                [{|SLOG040:Key(0)|}] public string Sku { get; init; } = "";
            }
            """,
            """
            using MessagePack;

            [StateLog.CompactedTopic("prices")]
            public sealed class Price
            {
                [StateLog.Key] public string Sku { get; init; } = "";
            }
            """,
            title: "Use StateLog's [Key]");

    [Fact]
    public Task SLOG040_Fix_UsesShortNameWhenStateLogIsImported() =>
        Verify.CodeFixAsync<UseStateLogKeyCodeFixProvider>(
            """
            using StateLog;

            [CompactedTopic("prices")]
            public sealed record {|SLOG001:Price|}([property: {|SLOG040:MessagePack.Key("sku")|}] string Sku, decimal Amount);
            """,
            """
            using StateLog;

            [CompactedTopic("prices")]
            public sealed record Price([property: Key] string Sku, decimal Amount);
            """);

    [Fact]
    public Task SLOG040_FixAll_SwapsInEveryType() =>
        Verify.CodeFixAsync<UseStateLogKeyCodeFixProvider>(
            new[]
            {
                """
                [StateLog.CompactedTopic("prices")]
                public sealed class {|SLOG001:Price|}
                {
                    [{|SLOG040:MessagePack.Key(0)|}, System.Obsolete] public string Sku { get; init; } = "";
                }

                [StateLog.CompactedTopic("stocks")]
                public sealed class {|SLOG001:Stock|}
                {
                    [{|SLOG040:MessagePack.Key(0)|}] public string Sku { get; init; } = "";
                }
                """,
            },
            new[]
            {
                """
                using StateLog;

                [StateLog.CompactedTopic("prices")]
                public sealed class Price
                {
                    [Key, System.Obsolete] public string Sku { get; init; } = "";
                }

                [StateLog.CompactedTopic("stocks")]
                public sealed class Stock
                {
                    [Key] public string Sku { get; init; } = "";
                }
                """,
            });
}
