using System;
using System.Diagnostics;
using System.IO;
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
            var workload = new Workload(parameters);
            var baseline = SystemProbe.WorkingSet();
            phase = "ingest with a sync every batch";
            var batchedDirectory = Path.Combine(workDirectory, "batched");
            var (batched, batchedSeconds) = await IngestAsync(engine, workload, batchedDirectory, syncEveryBatch: true);
            await batched.DisposeAsync();
            TryDelete(batchedDirectory);
            SystemProbe.SyncFileSystems();

            phase = "buffered ingest";
            var directory = Path.Combine(workDirectory, "buffered");
            var (engineInstance, bufferedSeconds) = await IngestAsync(engine, workload, directory, syncEveryBatch: false);
            var diskBefore = SystemProbe.DirectoryBytes(directory);

            phase = "compaction";
            var (compactSeconds, compactionUnavailable) = await CompactAsync(engineInstance);
            await engineInstance.DisposeAsync();
            var diskAfter = SystemProbe.DirectoryBytes(directory);

            phase = "reopen";
            var cold = SystemProbe.TryDropPageCache();
            var reopened = engine.Create();
            var readBefore = SystemProbe.ReadBytes();
            var watch = Stopwatch.StartNew();
            await reopened.OpenAsync(directory);
            var reopenSeconds = watch.Elapsed.TotalSeconds;
            var reopenRead = SystemProbe.ReadBytes() - readBefore;

            phase = "full scan";
            var checker = new ScanChecker(workload);
            watch.Restart();
            await reopened.ScanAsync(checker);
            var scanSeconds = watch.Elapsed.TotalSeconds;
            checker.Verify();

            phase = "point reads";
            watch.Restart();
            await PointReadsAsync(reopened, workload);
            var readSeconds = watch.Elapsed.TotalSeconds;
            await reopened.DisposeAsync();

            report = new EngineReport
            {
                Id = engine.Id,
                Engine = engine.DisplayName,
                Configuration = reopened.Configuration,
                Records = workload.UpdateCount,
                PayloadBytes = workload.PayloadBytes,
                IngestBatchedSeconds = batchedSeconds,
                IngestBufferedSeconds = bufferedSeconds,
                CompactSeconds = compactSeconds,
                CompactionUnavailable = compactionUnavailable,
                DiskBytesBeforeCompact = diskBefore,
                DiskBytesAfterCompact = diskAfter,
                LiveBytes = workload.LiveBytes,
                ColdReopen = cold,
                ReopenSeconds = reopenSeconds,
                ReopenReadBytes = reopenRead,
                ScanSeconds = scanSeconds,
                PointReads = workload.ReadCount,
                PointReadSeconds = readSeconds,
                PeakWorkingSetBytes = SystemProbe.PeakWorkingSet(),
                HarnessWorkingSetBytes = baseline,
            };
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            report = new EngineReport { Id = engine.Id, Engine = engine.DisplayName, Unavailable = $"{phase}: {e.GetType().Name}: {FirstLine(e.GetBaseException().Message)}" };
        }
        finally
        {
            TryDelete(workDirectory);
        }

        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(report, Json.Line));
        return 0;
    }

    /// <summary>Writes every update into a fresh store; returns the store, still open, and the seconds until the data was durable.</summary>
    private static async Task<(IEngineAdapter Adapter, double Seconds)> IngestAsync(EngineEntry engine, Workload workload, string directory, bool syncEveryBatch)
    {
        TryDelete(directory);
        Directory.CreateDirectory(directory);
        var adapter = engine.Create();
        await adapter.OpenAsync(directory);
        var batch = workload.Parameters.BatchSize;
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < workload.UpdateCount; start += batch)
        {
            await adapter.WriteAsync(workload, start, Math.Min(batch, workload.UpdateCount - start), syncEveryBatch);
        }

        if (!syncEveryBatch)
        {
            await adapter.SyncAsync();
        }

        return (adapter, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Times the compaction; an engine build without compaction yet still gets its other phases measured.</summary>
    private static async Task<(double Seconds, string? Unavailable)> CompactAsync(IEngineAdapter adapter)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await adapter.CompactAsync();
            return (watch.Elapsed.TotalSeconds, null);
        }
        catch (NotImplementedException e)
        {
            return (double.NaN, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static async Task PointReadsAsync(IEngineAdapter adapter, Workload workload)
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

        if (wrong != 0)
        {
            throw new InvalidOperationException($"{wrong:N0} of {workload.ReadCount:N0} point reads returned a value other than the latest.");
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private static void TryDelete(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
