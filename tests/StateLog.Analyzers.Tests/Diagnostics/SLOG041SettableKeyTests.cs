using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG041SettableKeyTests
{
    [Fact]
    public Task SLOG041_KeyWithSetter_ReportsOnKeyMember() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("accounts")]
            public sealed class Account
            {
                [Key] public string {|#0:Id|} { get; set; } = "";
            }
            """,
            Verify.Diagnostic("SLOG041").WithLocation(0).WithArguments("Account", "Id"));

    [Fact]
    public Task SLOG041_WritableKeyField_Reports() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("accounts")]
            public sealed class Account
            {
                [Key] public long {|SLOG041:Number|};
            }
            """);

    [Fact]
    public Task SLOG041_InitOnlyKeyAndPositionalKey_DoNotReport() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("accounts")]
            public sealed class Account
            {
                [Key] public string Id { get; init; } = "";
            }

            [CompactedTopic("ledgers")]
            public sealed record Ledger([Key] string Id, decimal Balance);
            """);
}
