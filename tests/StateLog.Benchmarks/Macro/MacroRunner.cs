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
/// <c>macro [--quick] [--uniform] [--value-bytes N] [--engines a,b] [--dir D] [--out F] [--timeout-seconds S]</c>:
/// measures the machine, runs every engine's child process in turn, prints the tables and writes the JSON file.
/// </summary>
internal static class MacroRunner
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parameters = MacroParameters.Parse(args);
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
        foreach (var engine in engines)
        {
            Console.Error.WriteLine($"[{total.Elapsed:mm\\:ss}] {engine.DisplayName}...");
            var report = await RunChildAsync(engine, Path.Combine(root, engine.Id), parameters, timeout);
            Console.Error.WriteLine($"[{total.Elapsed:mm\\:ss}] {engine.DisplayName}: {report.Unavailable ?? "done"}");
            reports.Add(report);
        }

        Arguments.DeleteDirectory(root);
        var load = $"load average {loadBefore} at the start, {SystemProbe.LoadAverage()} at the end";
        var targets = TargetCheck.Evaluate(reports.ToDictionary(r => r.Id));
        Console.WriteLine();
        Console.WriteLine(ResultTable.Render(reports, targets));
        foreach (var report in reports.Where(r => r.Configuration is not null))
        {
            Console.WriteLine($"- {report.Engine}: {report.Configuration}");
        }

        var output = Path.GetFullPath(Arguments.Value(args, "--out")
            ?? Path.Combine("artifacts", "benchmarks", $"macro-{parameters.Distribution.ToString().ToLowerInvariant()}-{parameters.ValueBytes}b-{started:yyyyMMdd-HHmmss}.json"));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(
            new { started, totalSeconds = total.Elapsed.TotalSeconds, machine, load, parameters, engines = reports, targets },
            Json.File));
        Console.WriteLine();
        Console.WriteLine($"Total {total.Elapsed.TotalSeconds:F0} s; {load}. JSON: {output}");
        return 0;
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
