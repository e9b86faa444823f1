using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// The Markdown tables of a run: every figure of every engine with a "StateLog / best peer" column (peers are
/// RocksDB, FASTER and SQLite; the raw file is the device's limit, shown but not a peer), then the issue's targets.
/// </summary>
internal static class ResultTable
{
    public static string Render(IReadOnlyList<EngineReport> reports, IReadOnlyList<TargetCheck> targets, MacroParameters parameters)
    {
        var ran = reports.Where(r => r.Unavailable is null).ToList();
        var stateLog = ran.FirstOrDefault(r => r.Id == EngineCatalog.StateLog);
        var peers = ran.Where(r => EngineCatalog.IsPeer(r.Id)).ToList();

        var text = new StringBuilder();
        text.Append("| Metric | ").AppendJoin(" | ", ran.Select(r => r.Engine)).AppendLine(" | StateLog / best peer |");
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", ran.Count + 1))).AppendLine();
        foreach (var metric in Metric.All)
        {
            text.Append("| ").Append(metric.Label).Append(" | ");
            text.AppendJoin(" | ", ran.Select(metric.Cell));
            text.Append(" | ").Append(RatioCell(metric, stateLog, peers)).AppendLine(" |");
        }

        foreach (var missing in reports.Where(r => r.Unavailable is not null))
        {
            text.AppendLine().Append("- ").Append(missing.Engine).Append(": unavailable, ").Append(missing.Unavailable);
        }

        foreach (var partial in ran.Where(r => r.CompactionUnavailable is not null))
        {
            text.AppendLine().Append("- ").Append(partial.Engine).Append(": no compaction in this build (").Append(partial.CompactionUnavailable).Append("); its other phases ran");
        }

        AppendMemoryByPhase(text, ran);
        text.AppendLine().AppendLine().Append(TargetCheck.Caveat(parameters)).AppendLine("| Target | Figure | Met |").AppendLine("|---|---|---|");
        foreach (var target in targets)
        {
            text.Append("| ").Append(target.Target).Append(" | ").Append(target.Figure.Replace("|", "/", System.StringComparison.Ordinal))
                .Append(" | ").Append(target.Met switch { true => "yes", false => "**no**", null => "pending" }).AppendLine(" |");
        }

        return text.ToString();
    }

    /// <summary>
    /// Per phase and engine: the peak resident set within the phase, then at its end the resident set, its anonymous
    /// and file parts and the managed heap, and the bytes allocated during the phase (MB); bold marks the phase that sets the process's peak.
    /// </summary>
    private static void AppendMemoryByPhase(StringBuilder text, IReadOnlyList<EngineReport> ran)
    {
        if (ran.All(r => r.Memory.Count == 0))
        {
            return;
        }

        text.AppendLine().AppendLine().Append("Working set by phase, MB: peak within the phase / at its end: resident (anonymous + file), managed heap; allocated in the phase")
            .AppendLine(ran.All(r => r.PhasePeaksReset) ? "" : " (where the peak could not be reset per phase, a peak is the peak so far)").AppendLine();
        text.Append("| Phase | ").AppendJoin(" | ", ran.Select(r => r.Engine)).AppendLine(" |");
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", ran.Count))).AppendLine();
        foreach (var phase in MemoryPhases.All)
        {
            text.Append("| ").Append(phase).Append(" | ").AppendJoin(" | ", ran.Select(r => MemoryCell(r, phase))).AppendLine(" |");
        }
    }

    private static string MemoryCell(EngineReport report, string phase)
    {
        if (report.MemoryOf(phase) is not { } m)
        {
            return "n/a";
        }

        static string Mb(long bytes) => (bytes / Units.Megabyte).ToString("F1", CultureInfo.InvariantCulture);
        var star = report.PeakPhase == phase ? "**" : "";
        return $"{star}{Mb(m.PeakBytes)}{star} / {Mb(m.EndBytes)} ({Mb(m.EndAnonymousBytes)} + {Mb(m.EndFileBytes)}), {Mb(m.ManagedBytes)}; {Mb(m.AllocatedBytes)}";
    }

    private static string RatioCell(Metric metric, EngineReport? stateLog, IReadOnlyList<EngineReport> peers)
    {
        if (stateLog is null || peers.Count == 0 || !metric.Compared)
        {
            return "n/a";
        }

        var best = metric.Best(peers.Select(metric.Value));
        var bestPeer = peers.FirstOrDefault(p => metric.Value(p) == best);
        return best == 0 || bestPeer is null || double.IsNaN(metric.Value(stateLog))
            ? "n/a"
            : string.Create(CultureInfo.InvariantCulture, $"{metric.Value(stateLog) / best:F2} ({bestPeer.Engine}, {(metric.HigherIsBetter ? "higher" : "lower")} is better)");
    }
}
