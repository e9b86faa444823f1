using System.Threading.Tasks;
using StateLog.Analyzers.CodeFixes.AddKey;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.CodeFixes;

public class AddKeyAttributeCodeFixTests
{
    [Fact]
    public Task SLOG001_Fix_MarksIdProperty() =>
        Verify.CodeFixAsync<AddKeyAttributeCodeFixProvider>(
            """
            using StateLog;

            [CompactedTopic("users")]
            public sealed class {|SLOG001:User|}
            {
                /// <summary>The id.</summary>
                public string Id { get; init; } = "";
                public string Name { get; init; } = "";
            }
            """,
            """
            using StateLog;

            [CompactedTopic("users")]
            public sealed class User
            {
                /// <summary>The id.</summary>
                [Key]
                public string Id { get; init; } = "";
                public string Name { get; init; } = "";
            }
            """,
            equivalenceKey: "SLOG001:Id",
            title: "Mark 'Id' as [Key]");

    [Fact]
    public Task SLOG001_Fix_MarksTypeIdParameterOfPositionalRecord() =>
        Verify.CodeFixAsync<AddKeyAttributeCodeFixProvider>(
            """
            using StateLog;

            [CompactedTopic("users")]
            public sealed record {|SLOG001:User|}(string Name, string UserId);
            """,
            """
            using StateLog;

            [CompactedTopic("users")]
            public sealed record User(string Name, [Key] string UserId);
            """,
            equivalenceKey: "SLOG001:TypeId",
            title: "Mark 'UserId' as [Key]");

    [Fact]
    public Task SLOG001_Fix_OffersAnyKeyTypedMember() =>
        Verify.CodeFixAsync<AddKeyAttributeCodeFixProvider>(
            """
            using System;
            using StateLog;

            [CompactedTopic("devices")]
            public sealed record {|SLOG001:Device|}(double Load, Guid Serial);
            """,
            """
            using System;
            using StateLog;

            [CompactedTopic("devices")]
            public sealed record Device(double Load, [Key] Guid Serial);
            """,
            equivalenceKey: "SLOG001:Member:Serial",
            title: "Mark 'Serial' as [Key]");

    [Fact]
    public Task SLOG001_Fix_AddsUsingWhenKeyIsUnknown() =>
        Verify.CodeFixAsync<AddKeyAttributeCodeFixProvider>(
            """
            // Header comment.
            using System;

            namespace App;

            [StateLog.CompactedTopic("users")]
            public sealed class {|SLOG001:User|}
            {
                [Obsolete]
                public string Key { get; init; } = "";
            }
            """,
            """
            // Header comment.
            using System;
            using StateLog;

            namespace App;

            [StateLog.CompactedTopic("users")]
            public sealed class User
            {
                [Obsolete]
                [Key]
                public string Key { get; init; } = "";
            }
            """,
            equivalenceKey: "SLOG001:Key");

    [Fact]
    public Task SLOG001_Fix_QualifiesWhenKeyMeansMessagePack() =>
        Verify.CodeFixAsync<AddKeyAttributeCodeFixProvider>(
            """
            using MessagePack;

            [StateLog.CompactedTopic("users")]
            public sealed record {|SLOG001:User|}(string Id);
            """,
            """
            using MessagePack;

            [StateLog.CompactedTopic("users")]
            public sealed record User([StateLog.Key] string Id);
            """,
            equivalenceKey: "SLOG001:Id");

    [Fact]
    public Task SLOG001_FixAll_MarksTypeIdInEveryTypeOfEveryFile() =>
        Verify.CodeFixAsync<AddKeyAttributeCodeFixProvider>(
            new[]
            {
                """
                [StateLog.CompactedTopic("users")]
                public sealed record {|SLOG001:User|}(string UserId);

                [StateLog.CompactedTopic("orders")]
                public sealed class {|SLOG001:Order|}
                {
                    public int OrderId { get; init; }
                }
                """,
                """
                namespace Billing;

                [StateLog.CompactedTopic("invoices")]
                public sealed record {|SLOG001:Invoice|}(long InvoiceId, decimal Total);
                """,
            },
            new[]
            {
                """
                using StateLog;

                [StateLog.CompactedTopic("users")]
                public sealed record User([Key] string UserId);

                [StateLog.CompactedTopic("orders")]
                public sealed class Order
                {
                    [Key]
                    public int OrderId { get; init; }
                }
                """,
                """
                using StateLog;

                namespace Billing;

                [StateLog.CompactedTopic("invoices")]
                public sealed record Invoice([Key] long InvoiceId, decimal Total);
                """,
            },
            equivalenceKey: "SLOG001:TypeId");

    [Fact]
    public Task SLOG001_NoLikelyMember_OffersNoFix() =>
        Verify.CodeFixAsync<AddKeyAttributeCodeFixProvider>(
            """
            using StateLog;

            [CompactedTopic("samples")]
            public sealed record {|SLOG001:Sample|}(double Value, bool Valid);
            """,
            """
            using StateLog;

            [CompactedTopic("samples")]
            public sealed record {|SLOG001:Sample|}(double Value, bool Valid);
            """);
}
