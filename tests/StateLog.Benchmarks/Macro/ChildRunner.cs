using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// Runs every phase of the macro bench on one engine, in a process of its own (so the peak working set is that
/// engine's), and prints one line <c>RESULT {json}</c>. A failure in any phase becomes the report's
/// <see cref="EngineReport.Unavailable"/> reason instead of a crash.
/// </summary>
internal static class ChildRunner
{
    public const string ResultPrefix = "RESULT ";

    public static async Task<int> RunAsync(EngineEntry engine, string workDirectory, MacroParameters parameters)
    {
        var phase = "load";
        EngineReport report;
        try
        {
            var memory = new MemoryRecorder();
            var workload = new Workload(parameters);
            var baseline = SystemProbe.WorkingSet();
            await memory.EndPhaseAsync(MemoryPhases.Workload);
            phase = "ingest with a sync every batch";
            var batchedDirectory = Path.Combine(workDirectory, "batched");
            var (batched, batchedTime) = await IngestAsync(engine, workload, batchedDirectory, syncEveryBatch: true);
            await batched.DisposeAsync();
            Arguments.DeleteDirectory(batchedDirectory);
            SystemProbe.SyncFileSystems();
            await memory.EndPhaseAsync(MemoryPhases.IngestBatched);

            phase = "buffered ingest";
            var directory = Path.Combine(workDirectory, "buffered");
            var (engineInstance, bufferedTime) = await IngestAsync(engine, workload, directory, syncEveryBatch: false);
            var diskBefore = SystemProbe.DirectoryBytes(directory);
            await memory.EndPhaseAsync(MemoryPhases.IngestBuffered);

            phase = "compaction";
            var (compactTime, compactionUnavailable) = await CompactAsync(engineInstance);
            await memory.EndPhaseAsync(MemoryPhases.Compaction);
            await engineInstance.DisposeAsync();
            await memory.EndPhaseAsync(MemoryPhases.Close);
            var diskAfter = SystemProbe.DirectoryBytes(directory);

            phase = "reopen";
            var cold = SystemProbe.TryDropPageCache();
            var reopened = engine.Create(workload.Parameters);
            var readBefore = SystemProbe.ReadBytes();
            var timer = PhaseTimer.Start();
            await reopened.OpenAsync(directory);
            var reopenTime = timer.Stop();
            var reopenRead = SystemProbe.ReadBytes() - readBefore;
            await memory.EndPhaseAsync(MemoryPhases.Reopen);

            phase = "full scan";
            var checker = new ScanChecker(workload);
            timer = PhaseTimer.Start();
            await reopened.ScanAsync(checker);
            var scanTime = timer.Stop();
            var scanProblem = checker.Problem();
            await memory.EndPhaseAsync(MemoryPhases.Scan);

            phase = "point reads";
            timer = PhaseTimer.Start();
            var readProblem = await PointReadsAsync(reopened, workload);
            var readTime = timer.Stop();
            await memory.EndPhaseAsync(MemoryPhases.PointReads);
            phase = "checking the scan and the point reads";
            ThrowIfWrong(scanProblem, readProblem);
            await reopened.DisposeAsync();
            await memory.EndPhaseAsync(MemoryPhases.FinalClose);

            report = new EngineReport
            {
                Id = engine.Id,
                Engine = engine.DisplayName,
                Configuration = reopened.Configuration,
                Records = workload.UpdateCount,
                PayloadBytes = workload.PayloadBytes,
                IngestBatchedSeconds = batchedTime.Seconds,
                IngestBatchedCpuSeconds = batchedTime.CpuSeconds,
                IngestBufferedSeconds = bufferedTime.Seconds,
                IngestBufferedCpuSeconds = bufferedTime.CpuSeconds,
                CompactSeconds = compactTime.Seconds,
                CompactCpuSeconds = compactTime.CpuSeconds,
                CompactionUnavailable = compactionUnavailable,
                DiskBytesBeforeCompact = diskBefore,
                DiskBytesAfterCompact = diskAfter,
                LiveBytes = workload.LiveBytes,
                ColdReopen = cold,
                ReopenSeconds = reopenTime.Seconds,
                ReopenScanCpuSeconds = reopenTime.CpuSeconds + scanTime.CpuSeconds,
                ReopenReadBytes = reopenRead,
                ScanSeconds = scanTime.Seconds,
                PointReads = workload.ReadCount,
                PointReadSeconds = readTime.Seconds,
                PointReadCpuSeconds = readTime.CpuSeconds,
                PeakWorkingSetBytes = memory.Peak,
                HarnessWorkingSetBytes = baseline,
                Memory = memory.Phases,
                PhasePeaksReset = memory.PeakResets,
            };
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            report = new EngineReport { Id = engine.Id, Engine = engine.DisplayName, Unavailable = $"{phase}: {e.GetType().Name}: {FirstLine(e.GetBaseException().Message)}" };
        }
        finally
        {
            Arguments.DeleteDirectory(workDirectory);
        }

        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(report, Json.Line));
        return 0;
    }

    /// <summary>Writes every update into a fresh store; returns the store, still open, and the seconds until the data was durable.</summary>
    internal static async Task<(IEngineAdapter Adapter, (double Seconds, double CpuSeconds) Time)> IngestAsync(EngineEntry engine, Workload workload, string directory, bool syncEveryBatch)
    {
        Arguments.DeleteDirectory(directory);
        Directory.CreateDirectory(directory);
        var adapter = engine.Create(workload.Parameters);
        await adapter.OpenAsync(directory);
        var batch = workload.Parameters.BatchSize;
        var timer = PhaseTimer.Start();
        for (var start = 0; start < workload.UpdateCount; start += batch)
        {
            await adapter.WriteAsync(workload, start, Math.Min(batch, workload.UpdateCount - start), syncEveryBatch);
        }

        if (!syncEveryBatch)
        {
            await adapter.SyncAsync();
        }

        return (adapter, timer.Stop());
    }

    /// <summary>Times the compaction; an engine build without compaction yet still gets its other phases measured.</summary>
    internal static async Task<((double Seconds, double CpuSeconds) Time, string? Unavailable)> CompactAsync(IEngineAdapter adapter)
    {
        var timer = PhaseTimer.Start();
        try
        {
            await adapter.CompactAsync();
            return (timer.Stop(), null);
        }
        catch (NotImplementedException e)
        {
            return ((double.NaN, double.NaN), $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Throws when the scan or the point reads returned something other than the latest values; both checks are reported,
    /// so a wrong result says whether the data or only one read path is at fault.
    /// </summary>
    internal static void ThrowIfWrong(string? scanProblem, string? readProblem)
    {
        if (scanProblem is not null || readProblem is not null)
        {
            throw new InvalidOperationException(string.Join("; ", new[] { scanProblem, readProblem }.OfType<string>()) + ".");
        }
    }

    /// <summary>Reads every point-read key and checks its value; returns what was wrong, or <see langword="null"/>.</summary>
    internal static async Task<string?> PointReadsAsync(IEngineAdapter adapter, Workload workload)
    {
        var wrong = 0L;
        for (var i = 0; i < workload.ReadCount; i++)
        {
            var id = workload.ReadId(i);
            var value = await adapter.GetAsync(workload.Key(id));
            if (!workload.IsLatest(id, value, value is not null))
            {
                wrong++;
            }
        }

        return wrong == 0 ? null : $"{wrong:N0} of {workload.ReadCount:N0} point reads returned a value other than the latest";
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
