using System.Threading.Tasks;
using StateLog.Analyzers.CodeFixes.TopicNames;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.CodeFixes;

public class FixTopicNameCodeFixTests
{
    [Theory]
    [InlineData("../evil", "..-evil")]
    [InlineData("User Sessions", "user-sessions")]
    [InlineData("Ünïcode/Name", "-n-code-name")]
    [InlineData("..", "session")]
    [InlineData("", "session")]
    [InlineData("CON.events", "con-events")]
    [InlineData("com1.v2.x", "com1-v2.x")]
    public Task SLOG004_Fix_ReplacesNameWithValidOne(string invalid, string valid) =>
        Verify.CodeFixAsync<FixTopicNameCodeFixProvider>(
            $$"""
            using StateLog;

            [CompactedTopic({|SLOG004:"{{invalid}}"|}, Partitions = 2)]
            public sealed record Session([Key] string Id);
            """,
            $$"""
            using StateLog;

            [CompactedTopic("{{valid}}", Partitions = 2)]
            public sealed record Session([Key] string Id);
            """,
            title: $"Use the topic name '{valid}'");

    [Fact]
    public Task SLOG004_Fix_CutsLongNameTo249Characters() =>
        Verify.CodeFixAsync<FixTopicNameCodeFixProvider>(
            $$"""
            using StateLog;

            [CompactedTopic({|SLOG004:"{{new string('A', 300)}}"|})]
            public sealed record Session([Key] string Id);
            """,
            $$"""
            using StateLog;

            [CompactedTopic("{{new string('a', 249)}}")]
            public sealed record Session([Key] string Id);
            """);

    [Fact]
    public Task SLOG004_Fix_ReplacesNullWithTypeName() =>
        Verify.CodeFixAsync<FixTopicNameCodeFixProvider>(
            """
            using StateLog;

            [CompactedTopic({|SLOG004:name: null!|})]
            public sealed record UserSession([Key] string Id);
            """,
            """
            using StateLog;

            [CompactedTopic(name: "usersession")]
            public sealed record UserSession([Key] string Id);
            """);

    [Fact]
    public Task SLOG004_FixAll_FixesEveryName() =>
        Verify.CodeFixAsync<FixTopicNameCodeFixProvider>(
            new[]
            {
                """
                using StateLog;

                [CompactedTopic({|SLOG004:"a/b"|})]
                public sealed record A([Key] string Id);

                [CompactedTopic({|SLOG004:"c d"|})]
                public sealed record C([Key] string Id);
                """,
                """
                using StateLog;

                [CompactedTopic({|SLOG004:"e\\f"|})]
                public sealed record E([Key] string Id);
                """,
            },
            new[]
            {
                """
                using StateLog;

                [CompactedTopic("a-b")]
                public sealed record A([Key] string Id);

                [CompactedTopic("c-d")]
                public sealed record C([Key] string Id);
                """,
                """
                using StateLog;

                [CompactedTopic("e-f")]
                public sealed record E([Key] string Id);
                """,
            });
}
