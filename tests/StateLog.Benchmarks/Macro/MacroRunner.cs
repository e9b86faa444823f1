using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// <c>macro [--quick] [--uniform] [--value-bytes N] [--engines a,b] [--dir D] [--out F] [--timeout-seconds S] [--runs N]</c>:
/// measures the machine, runs every engine's child process in turn, prints the tables and writes the JSON file; with
/// <c>--runs N</c>, does that N times and then prints and writes how many runs met each target and the spread of its
/// figure (<see cref="TargetSummary"/>). With several runs, <c>--out</c> names the summary's file
/// (by default <c>macro-…-{start time}-summary.json</c>), and each run's file takes its default name under
/// <c>artifacts/benchmarks</c>.
/// </summary>
internal static class MacroRunner
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parameters = MacroParameters.Parse(args);
        var runsText = Arguments.Value(args, "--runs") ?? "1";
        if (!int.TryParse(runsText, NumberStyles.None, CultureInfo.InvariantCulture, out var runs) || runs < 1)
        {
            Console.Error.WriteLine("--runs takes a whole number of at least 1");
            return 2;
        }

        var started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var checks = new List<IReadOnlyList<TargetCheck>>();
        var files = new List<string>();
        for (var run = 1; run <= runs; run++)
        {
            if (runs > 1)
            {
                Console.WriteLine($"## Run {run} of {runs}");
            }

            var (targets, file) = await RunOnceAsync(args, parameters, runs == 1 ? Arguments.Value(args, "--out") : null);
            checks.Add(targets);
            files.Add(file);
            if (runs > 1)
            {
                Console.WriteLine();
            }
        }

        if (runs > 1)
        {
            var summary = TargetSummary.Of(checks);
            Console.WriteLine($"## Targets over the {runs} runs ({started:yyyy-MM-dd HH:mm} to {DateTimeOffset.UtcNow:HH:mm} UTC)");
            Console.WriteLine();
            Console.WriteLine(TargetSummary.Render(summary, parameters));
            var output = Path.GetFullPath(Arguments.Value(args, "--out") ?? DefaultOutput(parameters, started, "-summary"));
            await WriteJsonAsync(output, new { started, totalSeconds = total.Elapsed.TotalSeconds, parameters, runFiles = files, targets = summary });
            Console.WriteLine($"Total {total.Elapsed.TotalSeconds:F0} s. Summary JSON: {output}");
        }

        return 0;
    }

    /// <summary>One run of every chosen engine; returns its target checks and the JSON file it wrote.</summary>
    private static async Task<(IReadOnlyList<TargetCheck> Targets, string File)> RunOnceAsync(IReadOnlyList<string> args, MacroParameters parameters, string? output)
    {
        var engines = EngineCatalog.Chosen(args, EngineCatalog.All.Select(e => e.Id));
        var root = Path.GetFullPath(Arguments.Value(args, "--dir") ?? Path.Combine(Path.GetTempPath(), $"statelog-bench-{Environment.ProcessId}"));
        var timeout = TimeSpan.FromSeconds(int.Parse(Arguments.Value(args, "--timeout-seconds") ?? "540", CultureInfo.InvariantCulture));
        var started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();

        Console.WriteLine($"StateLog macro benchmark, {started:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"Workload: {parameters}");
        var machine = MachineInfo.Measure(root);
        var loadBefore = SystemProbe.LoadAverage();
        Console.WriteLine($"Machine: {machine}");

        var reports = new List<EngineReport>();
        try
        {
            foreach (var engine in engines)
            {
                Console.Error.WriteLine($"[{total.Elapsed:mm\\:ss}] {engine.DisplayName}...");
                var report = await RunChildAsync(engine, Path.Combine(root, engine.Id), parameters, timeout);
                Console.Error.WriteLine($"[{total.Elapsed:mm\\:ss}] {engine.DisplayName}: {report.Unavailable ?? "done"}");
                reports.Add(report);
            }
        }
        finally
        {
            Arguments.DeleteDirectory(root);
        }

        var load = $"load average {loadBefore} at the start, {SystemProbe.LoadAverage()} at the end";
        var targets = TargetCheck.Evaluate(reports.ToDictionary(r => r.Id));
        Console.WriteLine();
        Console.WriteLine(ResultTable.Render(reports, targets, parameters));
        foreach (var report in reports.Where(r => r.Configuration is not null))
        {
            Console.WriteLine($"- {report.Engine}: {report.Configuration}");
        }

        var file = Path.GetFullPath(output ?? DefaultOutput(parameters, started, ""));
        await WriteJsonAsync(file, new { started, totalSeconds = total.Elapsed.TotalSeconds, machine, load, parameters, engines = reports, targets });
        Console.WriteLine();
        Console.WriteLine($"Total {total.Elapsed.TotalSeconds:F0} s; {load}. JSON: {file}");
        return (targets, file);
    }

    private static string DefaultOutput(MacroParameters parameters, DateTimeOffset started, string suffix) =>
        Path.Combine("artifacts", "benchmarks", $"macro-{parameters.Distribution.ToString().ToLowerInvariant()}-{parameters.ValueBytes}b-{started:yyyyMMdd-HHmmss}{suffix}.json");

    private static async Task WriteJsonAsync(string path, object content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(content, Json.File));
    }

    private static async Task<EngineReport> RunChildAsync(EngineEntry engine, string directory, MacroParameters parameters, TimeSpan timeout)
    {
        var (result, problem) = await ChildProcess.RunForResultAsync(["child", engine.Id, directory, .. parameters.ToArguments()], ChildRunner.ResultPrefix, timeout);
        if (result is null)
        {
            Arguments.DeleteDirectory(directory);
            return new EngineReport { Id = engine.Id, Engine = engine.DisplayName, Unavailable = problem };
        }

        return JsonSerializer.Deserialize<EngineReport>(result, Json.Line)!;
    }
}
