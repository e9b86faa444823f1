using System.Threading.Tasks;
using StateLog.Analyzers.CodeFixes.RemoveKey;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.CodeFixes;

public class RemoveExtraKeyCodeFixTests
{
    [Fact]
    public Task SLOG002_Fix_RemovesKeyFromSecondParameter() =>
        Verify.CodeFixAsync<RemoveExtraKeyCodeFixProvider>(
            """
            using StateLog;

            [CompactedTopic("orders")]
            public sealed record Order([Key] string OrderId, [Key] string {|SLOG002:CustomerId|});
            """,
            """
            using StateLog;

            [CompactedTopic("orders")]
            public sealed record Order([Key] string OrderId, string CustomerId);
            """,
            title: "Remove [Key] from 'CustomerId'");

    [Fact]
    public Task SLOG002_Fix_KeepsOtherAttributesAndComments() =>
        Verify.CodeFixAsync<RemoveExtraKeyCodeFixProvider>(
            """
            using System;
            using StateLog;

            [CompactedTopic("orders")]
            public sealed class Order
            {
                [Key] public string OrderId { get; init; } = "";

                // The customer.
                [Key]
                public string {|SLOG002:CustomerId|} { get; init; } = "";

                [Obsolete, Key] public string {|SLOG002:Legacy|} { get; init; } = "";
            }
            """,
            """
            using System;
            using StateLog;

            [CompactedTopic("orders")]
            public sealed class Order
            {
                [Key] public string OrderId { get; init; } = "";

                // The customer.
                public string CustomerId { get; init; } = "";

                [Obsolete] public string Legacy { get; init; } = "";
            }
            """);

    [Fact]
    public Task SLOG002_FixAll_KeepsOnlyTheFirstKeyInEachType() =>
        Verify.CodeFixAsync<RemoveExtraKeyCodeFixProvider>(
            new[]
            {
                """
                using StateLog;

                [CompactedTopic("orders")]
                public sealed record Order([Key] string OrderId, [Key] string {|SLOG002:CustomerId|}, [Key] int {|SLOG002:Line|});
                """,
                """
                using System.ComponentModel.DataAnnotations;

                [StateLog.CompactedTopic("carts")]
                public sealed class Cart
                {
                    [Key]
                    public string CartId { get; init; } = "";
                    [Key]
                    public string {|SLOG002:Owner|} { get; init; } = "";
                }
                """,
            },
            new[]
            {
                """
                using StateLog;

                [CompactedTopic("orders")]
                public sealed record Order([Key] string OrderId, string CustomerId, int Line);
                """,
                """
                using System.ComponentModel.DataAnnotations;

                [StateLog.CompactedTopic("carts")]
                public sealed class Cart
                {
                    [Key]
                    public string CartId { get; init; } = "";
                    public string Owner { get; init; } = "";
                }
                """,
            });
}
