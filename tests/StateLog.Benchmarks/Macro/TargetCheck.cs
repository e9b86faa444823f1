using System;
using System.Collections.Generic;
using System.Linq;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// One target of issue 7, checked against a run: the figure it is about (<paramref name="Value"/>, a ratio when
/// <paramref name="IsRatio"/>; <see langword="null"/> while pending), that figure as the table shows it, and whether it is met.
/// </summary>
internal sealed record TargetCheck(string Target, string Figure, bool? Met, double? Value, bool IsRatio)
{
    private const string Rocks = EngineCatalog.RocksDb;
    private const string Faster = EngineCatalog.Faster;
    private const string Raw = EngineCatalog.RawFile;
    private const string Typed = EngineCatalog.StateLogTyped;

    /// <summary>The fraction of its log bytes a clean reopen may read and still count as "did not rescan the log".</summary>
    public const double RescanThreshold = 0.5;

    /// <summary>What heads a table of verdicts: on a workload other than the targets' own, a line saying they only indicate.</summary>
    public static string Caveat(MacroParameters parameters)
    {
        if (parameters.IsTargetWorkload)
        {
            return "";
        }

        var targetWorkload = MacroParameters.Default with { Seed = parameters.Seed };
        return $"Issue 7 sets these targets on the default workload: {targetWorkload}. This run's is another: {parameters}. " +
               $"Its verdicts only indicate.{Environment.NewLine}{Environment.NewLine}";
    }

    public static IReadOnlyList<TargetCheck> Evaluate(IReadOnlyDictionary<string, EngineReport> runs)
    {
        runs.TryGetValue(EngineCatalog.StateLog, out var s);
        return
        [
            Ratio("Ingest buffered >= 0.9x raw file", s, runs, Raw, r => r.IngestBufferedRecordsPerSecond, x => x >= 0.9),
            Ratio("Ingest buffered ahead of FASTER", s, runs, Faster, r => r.IngestBufferedRecordsPerSecond, x => x > 1),
            Ratio("Ingest buffered ahead of RocksDB", s, runs, Rocks, r => r.IngestBufferedRecordsPerSecond, x => x > 1),
            Ratio("Ingest, sync every 1,000 >= 0.8x raw file", s, runs, Raw, r => r.IngestBatchedRecordsPerSecond, x => x >= 0.8),
            Ratio("Ingest, sync every 1,000 >= 3x RocksDB", s, runs, Rocks, r => r.IngestBatchedRecordsPerSecond, x => x >= 3),
            Ratio("Compaction no slower than RocksDB CompactRange (time ratio <= 1)", s, runs, Rocks, r => r.CompactSeconds, x => x <= 1),
            Absolute("Space amplification <= 1.1", s, r => r.SpaceAmplification, x => x <= 1.1),
            Ratio("Reopen + full scan no slower than RocksDB (time ratio <= 1)", s, runs, Rocks, r => r.ReopenSeconds + r.ScanSeconds, x => x <= 1),
            Absolute($"Clean reopen does not rescan the log (bytes read while reopening / bytes on disk < {RescanThreshold})", s,
                r => r.DiskBytesAfterCompact == 0 ? 0 : (double)r.ReopenReadBytes / r.DiskBytesAfterCompact, x => x < RescanThreshold),
            Ratio("Point reads (byte level) ahead of FASTER", s, runs, Faster, r => r.PointReadsPerSecond, x => x > 1),
            TypedRatio(s, runs),
            PeakWorkingSet(s, runs),
        ];
    }

    private static TargetCheck Ratio(string target, EngineReport? s, IReadOnlyDictionary<string, EngineReport> runs, string peer, Func<EngineReport, double> value, Func<double, bool> met)
    {
        var other = runs.GetValueOrDefault(peer);
        if (Missing(s, EngineCatalog.StateLog, out var why) || Missing(other, peer, out why))
        {
            return Pending(target, why, isRatio: true);
        }

        var ratio = value(s!) / value(other!);
        return Measured(target, ratio, $"{ratio:F2}x ({Format(value(s!))} vs {Format(value(other!))})", met, isRatio: true);
    }

    private static TargetCheck Absolute(string target, EngineReport? s, Func<EngineReport, double> value, Func<double, bool> met)
    {
        if (Missing(s, EngineCatalog.StateLog, out var why))
        {
            return Pending(target, why, isRatio: false);
        }

        var figure = value(s!);
        return Measured(target, figure, $"{figure:F2}", met, isRatio: false);
    }

    private static TargetCheck TypedRatio(EngineReport? s, IReadOnlyDictionary<string, EngineReport> runs)
    {
        const string target = "Typed GetAsync >= 0.5x byte level";
        var typed = runs.GetValueOrDefault(Typed);
        if (Missing(s, EngineCatalog.StateLog, out var why) || Missing(typed, Typed, out why))
        {
            return Pending(target, why, isRatio: true);
        }

        var ratio = typed!.PointReadsPerSecond / s!.PointReadsPerSecond;
        return Measured(target, ratio, $"{ratio:F2}x ({Format(typed.PointReadsPerSecond)} vs {Format(s.PointReadsPerSecond)} ops/s)", x => x >= 0.5, isRatio: true);
    }

    private static TargetCheck PeakWorkingSet(EngineReport? s, IReadOnlyDictionary<string, EngineReport> runs)
    {
        const string target = "Peak working set below every peer's";
        var peers = runs.Where(p => EngineCatalog.IsPeer(p.Key) && p.Value.Unavailable is null).Select(p => p.Value).ToList();
        if (Missing(s, EngineCatalog.StateLog, out var why) || peers.Count == 0)
        {
            return Pending(target, peers.Count == 0 ? "no peer ran" : why, isRatio: true);
        }

        var lowest = peers.MinBy(p => p.PeakWorkingSetBytes)!;
        var ratio = (double)s!.PeakWorkingSetBytes / lowest.PeakWorkingSetBytes;
        return Measured(target, ratio, $"{ratio:F2}x of the lowest peer ({lowest.Engine}: {lowest.PeakWorkingSetBytes / Units.Megabyte:F0} MB vs {s.PeakWorkingSetBytes / Units.Megabyte:F0} MB)", x => x < 1, isRatio: true);
    }

    /// <summary>A measured figure; one that is not a finite number (a phase not measured, a peer's zero) stays pending, so no summary sorts it.</summary>
    private static TargetCheck Measured(string target, double value, string figure, Func<double, bool> met, bool isRatio) =>
        double.IsFinite(value) ? new(target, figure, met(value), value, isRatio) : Pending(target, "not measured", isRatio);

    private static TargetCheck Pending(string target, string why, bool isRatio) => new(target, "pending: " + why, null, null, isRatio);

    private static bool Missing(EngineReport? report, string engine, out string why)
    {
        why = report is null ? $"{engine} not run" : $"{engine} unavailable ({report.Unavailable})";
        return report is null || report.Unavailable is not null;
    }

    private static string Format(double value) => value >= 100 ? value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : value.ToString("N3", System.Globalization.CultureInfo.InvariantCulture);
}
