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
/// <c>rounds [--rounds N] [--engines a,b] [--timeout-seconds S] [macro's size options]</c>: the macro bench's
/// compaction, cold reopen, full scan and point reads, repeated N times (default 3) in one process per engine, each
/// round on a fresh store with the same buffered ingest. The macro bench runs each phase once in a fresh process, so a
/// JIT-compiled engine pays its one-time costs there (compiling the phase's code, loading its types, running it at
/// tier 0 until tiered compilation promotes it); the first round here is comparable to that figure, the later rounds
/// are what a long-running process pays per pass. Before the reopen and before the point reads every engine gets the
/// same settling: a full GC, then a wait until no method has been compiled for a while, so neither earlier rounds'
/// garbage nor background recompilation is charged to the phase (compaction follows its ingest at once, as in macro). The JIT columns are the process's compilation time during the phase
/// (<see cref="JitInfo.GetCompilationTime"/>, all threads, the harness's included).
/// </summary>
internal static class RoundsBench
{
    public const string ResultPrefix = "ROUNDS ";

    private const int DefaultRounds = 3;

    /// <summary>How long compilation must stay quiet before a phase starts, and the longest wait for that.</summary>
    private static readonly TimeSpan JitQuiet = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parameters = MacroParameters.Parse(args);
        var rounds = Arguments.Int(args, "--rounds", DefaultRounds);
        var timeout = TimeSpan.FromSeconds(Arguments.Int(args, "--timeout-seconds", 300 * rounds));
        var engines = EngineCatalog.Chosen(args, [EngineCatalog.StateLog, EngineCatalog.StateLogTyped, EngineCatalog.RocksDb, EngineCatalog.Faster, EngineCatalog.Sqlite]);
        var root = Path.Combine(Path.GetTempPath(), $"statelog-rounds-{Environment.ProcessId}");
        Console.WriteLine($"StateLog rounds benchmark, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {SystemProbe.LoadAverage()}");
        Console.WriteLine($"Workload: {parameters}; {rounds} rounds per engine, each engine in one process");
        Console.WriteLine();
        Console.WriteLine("| Engine | Round | Compaction, s | CPU s | JIT ms | Reopen, s | Full scan, s | Reopen + scan, s | CPU s | JIT ms | Point reads, ops/s | CPU us per read | JIT ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var warmReopens = new List<string>();
        foreach (var engine in engines)
        {
            var (line, failure) = await ChildProcess.RunForResultAsync(
                ["rounds-child", engine.Id, Path.Combine(root, engine.Id), rounds.ToString(CultureInfo.InvariantCulture), .. parameters.ToArguments()],
                ResultPrefix,
                timeout);
            var result = line is null ? null : JsonSerializer.Deserialize<RoundsResult>(line, Json.Line);
            foreach (var r in result?.Rounds ?? [])
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {engine.DisplayName} | {r.Round} | {r.CompactSeconds:F3} | {r.CompactCpuSeconds:F3} | {r.CompactJitMilliseconds:F0} | {r.ReopenSeconds:F3} | {r.ScanSeconds:F3} | {r.ReopenSeconds + r.ScanSeconds:F3} | {r.ReopenScanCpuSeconds:F3} | {r.ReopenScanJitMilliseconds:F0} | {parameters.PointReads / r.PointReadSeconds:N0} | {r.PointReadCpuSeconds * 1e6 / parameters.PointReads:F2} | {r.PointReadJitMilliseconds:F0} |"));
                if (!r.ColdReopen)
                {
                    warmReopens.Add($"{engine.DisplayName} round {r.Round}");
                }
            }

            if ((failure ?? result?.Problem) is { } problem)
            {
                Console.WriteLine($"| {engine.DisplayName} | | unavailable: {problem} | | | | | | | | | | |");
            }
        }

        if (warmReopens.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"The page cache could not be dropped (needs root), so these reopens read from memory: {string.Join(", ", warmReopens)}.");
        }

        Arguments.DeleteDirectory(root);
        return 0;
    }

    /// <summary>One engine's rounds, in this process; prints <see cref="ResultPrefix"/> and the rounds (and what failed, if a round did) as JSON.</summary>
    public static async Task<int> RunChildAsync(EngineEntry engine, string directory, int rounds, MacroParameters parameters)
    {
        var reports = new List<RoundReport>();
        string? problem = null;
        try
        {
            var workload = new Workload(parameters);
            for (var round = 1; round <= rounds; round++)
            {
                reports.Add(await RunRoundAsync(engine, directory, round, workload));
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            problem = $"round {reports.Count + 1}: {e.GetType().Name}: {e.GetBaseException().Message.Split('\n')[0]}";
        }
        finally
        {
            Arguments.DeleteDirectory(directory);
        }

        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(new RoundsResult(reports, problem), Json.Line));
        return 0;
    }

    private static async Task<RoundReport> RunRoundAsync(EngineEntry engine, string directory, int round, Workload workload)
    {
        // Compaction starts right after the ingest, as in the macro bench: a wait here would let an engine that compacts
        // in the background (RocksDB) finish before the timed call.
        var (adapter, _) = await ChildRunner.IngestAsync(engine, workload, directory, syncEveryBatch: false);
        var jit = JitInfo.GetCompilationTime();
        var (compactTime, unavailable) = await ChildRunner.CompactAsync(adapter);
        var compactJit = JitInfo.GetCompilationTime() - jit;
        await adapter.DisposeAsync();
        if (unavailable is not null)
        {
            throw new InvalidOperationException(unavailable);
        }

        var cold = SystemProbe.TryDropPageCache();
        await SettleAsync();
        var reopened = engine.Create(workload.Parameters);
        try
        {
            jit = JitInfo.GetCompilationTime();
            var timer = PhaseTimer.Start();
            await reopened.OpenAsync(directory);
            var reopenTime = timer.Stop();
            var checker = new ScanChecker(workload);
            timer = PhaseTimer.Start();
            await reopened.ScanAsync(checker);
            var scanTime = timer.Stop();
            var reopenScanJit = JitInfo.GetCompilationTime() - jit;

            await SettleAsync();
            jit = JitInfo.GetCompilationTime();
            timer = PhaseTimer.Start();
            var readProblem = await ChildRunner.PointReadsAsync(reopened, workload);
            var readTime = timer.Stop();
            var readJit = JitInfo.GetCompilationTime() - jit;
            ChildRunner.ThrowIfWrong(checker.Problem(), readProblem);

            return new RoundReport(round, compactTime.Seconds, compactTime.CpuSeconds, compactJit.TotalMilliseconds, cold, reopenTime.Seconds, scanTime.Seconds, reopenTime.CpuSeconds + scanTime.CpuSeconds, reopenScanJit.TotalMilliseconds, readTime.Seconds, readTime.CpuSeconds, readJit.TotalMilliseconds);
        }
        finally
        {
            await reopened.DisposeAsync();
        }
    }

    /// <summary>A full GC, then a wait (at most <see cref="MaxSettle"/>) until nothing has been compiled for <see cref="JitQuiet"/>.</summary>
    private static async Task SettleAsync()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var waited = TimeSpan.Zero;
        var compiled = JitInfo.GetCompilationTime();
        while (waited < MaxSettle)
        {
            await Task.Delay(JitQuiet);
            waited += JitQuiet;
            var now = JitInfo.GetCompilationTime();
            if (now == compiled)
            {
                return;
            }

            compiled = now;
        }
    }

    private sealed record RoundsResult(IReadOnlyList<RoundReport> Rounds, string? Problem);

    private sealed record RoundReport(int Round, double CompactSeconds, double CompactCpuSeconds, double CompactJitMilliseconds, bool ColdReopen, double ReopenSeconds, double ScanSeconds, double ReopenScanCpuSeconds, double ReopenScanJitMilliseconds, double PointReadSeconds, double PointReadCpuSeconds, double PointReadJitMilliseconds);
}
