using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Text.Json;
using System.Threading.Tasks;
using StateLog.Benchmarks.Macro;

namespace StateLog.Benchmarks.Rounds;

/// <summary>
/// <c>rounds [--rounds N] [--engines a,b] [macro's size options]</c>: the macro bench's compaction, cold reopen, full
/// scan and point reads, repeated N times (default 3) in one process per engine, each round on a fresh store with the
/// same buffered ingest. The macro bench runs each phase once in a fresh process, so a JIT-compiled engine pays its one-time
/// costs there (compiling the phase's code, loading its types); the first round here is that figure, the later rounds
/// are what a long-running process pays per pass. The JIT column is the process's compilation time during the phase
/// (<see cref="JitInfo.GetCompilationTime"/>), the harness's included.
/// </summary>
internal static class RoundsBench
{
    public const string ResultPrefix = "ROUNDS ";

    private const int DefaultRounds = 3;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parameters = MacroParameters.Parse(args);
        var rounds = int.Parse(MacroRunner.Option(args, "--rounds") ?? DefaultRounds.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var engines = (MacroRunner.Option(args, "--engines")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                ?? [EngineCatalog.StateLog, EngineCatalog.StateLogTyped, EngineCatalog.RocksDb, EngineCatalog.Faster, EngineCatalog.Sqlite])
            .Select(EngineCatalog.Find)
            .ToList();
        var root = Path.Combine(Path.GetTempPath(), $"statelog-rounds-{Environment.ProcessId}");
        Console.WriteLine($"StateLog rounds benchmark, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {SystemProbe.LoadAverage()}");
        Console.WriteLine($"Workload: {parameters}; {rounds} rounds per engine, each in one process");
        Console.WriteLine();
        Console.WriteLine("| Engine | Round | Compaction, s | CPU s | JIT ms | Reopen, s | Full scan, s | Reopen + scan, s | CPU s | JIT ms | Point reads, ops/s | CPU us per read | JIT ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var engine in engines)
        {
            var directory = Path.Combine(root, engine.Id);
            var (result, problem) = await ChildProcess.RunForResultAsync(
                ["rounds-child", engine.Id, directory, rounds.ToString(CultureInfo.InvariantCulture), .. parameters.ToArguments()],
                ResultPrefix,
                TimeSpan.FromMinutes(10));
            if (result is null)
            {
                Console.WriteLine($"| {engine.DisplayName} | | unavailable: {problem} | | | | | | | | | | |");
                continue;
            }

            foreach (var r in JsonSerializer.Deserialize<RoundReport[]>(result, Json.Line)!)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {engine.DisplayName} | {r.Round} | {r.CompactSeconds:F3} | {r.CompactCpuSeconds:F3} | {r.CompactJitMilliseconds:F0} | {r.ReopenSeconds:F3} | {r.ScanSeconds:F3} | {r.ReopenSeconds + r.ScanSeconds:F3} | {r.ReopenScanCpuSeconds:F3} | {r.ReopenScanJitMilliseconds:F0} | {parameters.PointReads / r.PointReadSeconds:N0} | {r.PointReadCpuSeconds * 1e6 / parameters.PointReads:F2} | {r.PointReadJitMilliseconds:F0} |"));
            }
        }

        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return 0;
    }

    /// <summary>One engine's rounds, in this process; prints <see cref="ResultPrefix"/> and the rounds as JSON.</summary>
    public static async Task<int> RunChildAsync(EngineEntry engine, string directory, int rounds, MacroParameters parameters)
    {
        var workload = new Workload(parameters);
        var reports = new List<RoundReport>();
        for (var round = 1; round <= rounds; round++)
        {
            var (adapter, _) = await ChildRunner.IngestAsync(engine, workload, directory, syncEveryBatch: false);
            var jit = JitInfo.GetCompilationTime();
            var (compactTime, unavailable) = await ChildRunner.CompactAsync(adapter);
            var compactJit = JitInfo.GetCompilationTime() - jit;
            await adapter.DisposeAsync();
            if (unavailable is not null)
            {
                throw new InvalidOperationException(unavailable);
            }

            SystemProbe.TryDropPageCache();
            var reopened = engine.Create();
            jit = JitInfo.GetCompilationTime();
            var timer = PhaseTimer.Start();
            await reopened.OpenAsync(directory);
            var reopenTime = timer.Stop();
            var checker = new ScanChecker(workload);
            timer = PhaseTimer.Start();
            await reopened.ScanAsync(checker);
            var scanTime = timer.Stop();
            var reopenScanJit = JitInfo.GetCompilationTime() - jit;
            jit = JitInfo.GetCompilationTime();
            timer = PhaseTimer.Start();
            var readProblem = await ChildRunner.PointReadsAsync(reopened, workload);
            var readTime = timer.Stop();
            var readJit = JitInfo.GetCompilationTime() - jit;
            await reopened.DisposeAsync();
            if ((checker.Problem() ?? readProblem) is { } problem)
            {
                throw new InvalidOperationException(problem);
            }

            reports.Add(new RoundReport(round, compactTime.Seconds, compactTime.CpuSeconds, compactJit.TotalMilliseconds, reopenTime.Seconds, scanTime.Seconds, reopenTime.CpuSeconds + scanTime.CpuSeconds, reopenScanJit.TotalMilliseconds, readTime.Seconds, readTime.CpuSeconds, readJit.TotalMilliseconds));
        }

        Directory.Delete(directory, recursive: true);
        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(reports, Json.Line));
        return 0;
    }

    private sealed record RoundReport(int Round, double CompactSeconds, double CompactCpuSeconds, double CompactJitMilliseconds, double ReopenSeconds, double ScanSeconds, double ReopenScanCpuSeconds, double ReopenScanJitMilliseconds, double PointReadSeconds, double PointReadCpuSeconds, double PointReadJitMilliseconds);
}
