using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;

namespace StateLog.IntegrationTests.Sample;

/// <summary>Runs the built sample as the README does (<c>dotnet run --project samples/UserActivity</c>, minus the build).</summary>
public sealed class UserActivitySampleTests
{
    [Fact]
    public async Task Run_PrintsTheLatestRecordPerKeyAfterCompactionAndTheTombstone()
    {
        var (exitCode, output) = await RunSampleAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}");
        Assert.Equal(
            [
                ["0", "user-1", "login", "2026-01-05 09:00 UTC"],
                ["1", "user-2", "logout", "2026-01-05 09:05 UTC"],
                ["2", "user-1", "update-profile", "2026-01-05 09:10 UTC"],
                ["3", "user-3", "login", "2026-01-05 09:15 UTC"],
            ],
            TableRows(output, "Log before compaction"));
        Assert.Equal(
            [
                ["1", "user-2", "logout", "2026-01-05 09:05 UTC"],
                ["2", "user-1", "update-profile", "2026-01-05 09:10 UTC"],
                ["3", "user-3", "login", "2026-01-05 09:15 UTC"],
            ],
            TableRows(output, "Log after compaction"));
        Assert.Contains("update-profile at 2026-01-05 09:10 UTC", output, StringComparison.Ordinal);
        Assert.Equal(["4", "user-3", "tombstone", "-"], TableRows(output, "Log after DeleteAsync(\"user-3\")").Last());
    }

    /// <summary>The data rows of the table titled <paramref name="title"/>: cells between the border characters.</summary>
    private static List<string[]> TableRows(string output, string title)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.Trim() == title);
        Assert.True(start >= 0, $"No table titled '{title}' in:\n{output}");
        var rows = new List<string[]>();
        foreach (var line in lines.Skip(start + 1).SkipWhile(l => !l.Contains("Offset", StringComparison.Ordinal)).Skip(1))
        {
            var cells = line.Split('│', '|').Select(c => c.Trim()).ToArray();
            if (cells.Length < 6)
            {
                if (rows.Count > 0)
                {
                    break; // the bottom border
                }

                continue; // the rule under the header
            }

            rows.Add(cells[1..^1]);
        }

        return rows;
    }

    private static async Task<(int ExitCode, string Output)> RunSampleAsync()
    {
        var sample = typeof(UserActivitySampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "UserActivitySample").Value!;
        Assert.True(File.Exists(sample), $"The sample is not built at {sample}.");
        var start = new ProcessStartInfo("dotnet", ["exec", sample])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(sample)!,
            Environment = { ["NO_COLOR"] = "1" },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
