using System;
using System.Collections.Generic;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// One row of the result table: how to read the figure from a report, which way is better, and whether StateLog is
/// compared on it; a row with <paramref name="Text"/> shows that text instead of a figure (and is never compared).
/// </summary>
internal sealed record Metric(string Label, Func<EngineReport, double> Value, bool HigherIsBetter, string Format, bool Compared = true, Func<EngineReport, string>? Text = null)
{
    private const string Counts = "N0";
    private const string Tenths = "N1";
    private const string Hundredths = "N2";
    private const string Thousandths = "N3";

    public static IReadOnlyList<Metric> All { get; } =
    [
        new("Ingest buffered, records/s", r => r.IngestBufferedRecordsPerSecond, true, Counts),
        new("Ingest buffered, payload MB/s", r => r.IngestBufferedMegabytesPerSecond, true, Tenths),
        new("Ingest buffered, CPU us per record", r => r.IngestBufferedCpuSeconds * 1e6 / r.Records, false, Hundredths),
        new("Ingest sync every batch, records/s", r => r.IngestBatchedRecordsPerSecond, true, Counts),
        new("Ingest sync every batch, payload MB/s", r => r.IngestBatchedMegabytesPerSecond, true, Tenths),
        new("Ingest sync every batch, CPU us per record", r => r.IngestBatchedCpuSeconds * 1e6 / r.Records, false, Hundredths),
        new("Compaction to steady state, s", r => r.CompactSeconds, false, Hundredths),
        new("Compaction, CPU s", r => r.CompactCpuSeconds, false, Hundredths),
        new("Disk before compaction, MB", r => r.DiskBytesBeforeCompact / Units.Megabyte, false, Tenths),
        new("Disk after compaction, MB", r => r.CompactionUnavailable is null ? r.DiskBytesAfterCompact / Units.Megabyte : double.NaN, false, Tenths),
        new("Space amplification (disk / live bytes)", r => r.SpaceAmplification, false, Hundredths),
        new("Reopen, s", r => r.ReopenSeconds, false, Thousandths),
        new("Read while reopening, MB", r => r.ReopenReadBytes / Units.Megabyte, false, Tenths),
        new("Full scan of latest values, s", r => r.ScanSeconds, false, Thousandths),
        new("Reopen + scan, s", r => r.ReopenSeconds + r.ScanSeconds, false, Thousandths),
        new("Reopen + scan, CPU s", r => r.ReopenScanCpuSeconds, false, Thousandths),
        new("Point reads, ops/s", r => r.PointReadsPerSecond, true, Counts),
        new("Point reads, CPU us per read", r => r.PointReadCpuSeconds * 1e6 / r.PointReads, false, Hundredths),
        new("Peak working set, MB", r => r.PeakWorkingSetBytes / Units.Megabyte, false, Tenths),
        new("  of which harness before open, MB", r => r.HarnessWorkingSetBytes / Units.Megabyte, false, Tenths, Compared: false),
        new("  phase of the peak", _ => double.NaN, false, Tenths, Compared: false, Text: r => r.PeakPhase ?? "n/a"),
    ];

    /// <summary>The figure of <paramref name="report"/> as a table cell.</summary>
    public string Cell(EngineReport report) =>
        Text is not null ? Text(report)
        : Value(report) is var value && double.IsNaN(value) ? "n/a" : value.ToString(Format, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The best of <paramref name="values"/> in this metric's direction, NaN (not measured) left out.</summary>
    public double Best(IEnumerable<double> values)
    {
        var best = double.NaN;
        foreach (var value in values)
        {
            if (!double.IsNaN(value) && (double.IsNaN(best) || (HigherIsBetter ? value > best : value < best)))
            {
                best = value;
            }
        }

        return best;
    }
}
