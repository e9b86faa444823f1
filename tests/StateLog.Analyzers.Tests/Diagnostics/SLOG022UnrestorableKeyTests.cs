using System.Threading.Tasks;
using StateLog.Analyzers.Tests.Verifiers;

namespace StateLog.Analyzers.Tests.Diagnostics;

public class SLOG022UnrestorableKeyTests
{
    [Fact]
    public Task SLOG022_GetOnlyKeyWithoutConstructorParameter_ReportsOnKeyMember() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("devices")]
            public sealed class Device
            {
                [Key] public string {|#0:Id|} { get; } = "";
                public string Name { get; init; } = "";
            }
            """,
            Verify.Diagnostic("SLOG022").WithLocation(0).WithArguments("Device", "Id"));

    [Fact]
    public Task SLOG022_InitKeyOrConstructorParameter_DoNotReport() =>
        Verify.AnalyzerAsync(
            """
            using StateLog;

            [CompactedTopic("devices")]
            public sealed class Device
            {
                [Key] public string Id { get; init; } = "";
            }

            [CompactedTopic("sensors")]
            public sealed class Sensor(string id)
            {
                [Key] public string Id { get; } = id;
            }

            [CompactedTopic("rooms")]
            public sealed record Room([Key] string Id, int Floor);
            """);
}
