using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG020UnserializableMemberTests
{
    [Fact]
    public Task SLOG020_DelegateParameter_ReportsOnMember() =>
        Verify.AnalyzerAsync(
            """
            using System;
            using StateLog;

            [CompactedTopic("jobs")]
            public sealed record Job([Key] string Id, Action {|#0:Callback|});
            """,
            Verify.Diagnostic("SLOG020").WithLocation(0).WithArguments("Job", "Callback", "Action"));

    [Fact]
    public Task SLOG020_ObjectProperty_ReportsOnProperty() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("jobs")]
            public sealed class Job
            {
                [Key] public string Id { get; init; } = "";
                public object? {|SLOG020:Payload|} { get; init; }
            }
            """);

    [Fact]
    public Task SLOG020_EntityWithoutUsableConstructor_ReportsOnTypeWithItsOwnMessage() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("jobs")]
            public sealed class {|#0:Job|}
            {
                public Job(int attempts) { }

                [Key] public string Id { get; init; } = "";
            }
            """,
            new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.UnconstructibleEntity).WithLocation(0).WithArguments("Job"));

    [Fact]
    public Task SLOG020_SupportedMembers_DoNotReport() =>
        Verify.AnalyzerAsync(
            """
            using System;
            using System.Collections.Generic;
            using StateLog;

            public enum Status { Active, Closed }

            public sealed record Address(string Street, string City);

            [CompactedTopic("jobs")]
            public sealed record Job(
                [Key] string Id,
                int Attempts,
                decimal Price,
                DateTimeOffset At,
                TimeSpan Timeout,
                Guid Owner,
                Status Status,
                byte[] Blob,
                long[] Samples,
                List<string> Tags,
                IReadOnlyList<Address> History,
                Dictionary<string, int> Counters,
                int? Retries,
                Address Home);
            """);
}
