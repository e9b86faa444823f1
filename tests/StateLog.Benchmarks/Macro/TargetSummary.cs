using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// One target over several runs of the same build (<c>macro --runs N</c>): in how many it was met, and the lowest,
/// median and highest of its figure. On a shared machine one run's ratio can move by half, so a verdict rests on the
/// spread, not on a run.
/// </summary>
internal sealed record TargetSummary(string Target, int Met, int Measured, int Runs, double? Lowest, double? Median, double? Highest, bool IsRatio)
{
    /// <summary>The summary of each target, in the order the runs list them; <paramref name="runs"/> holds each run's checks.</summary>
    public static IReadOnlyList<TargetSummary> Of(IReadOnlyList<IReadOnlyList<TargetCheck>> runs) =>
        runs.SelectMany(run => run)
            .GroupBy(check => check.Target)
            .Select(checks =>
            {
                var values = checks.Where(c => c.Value is not null).Select(c => c.Value!.Value).Order().ToList();
                var summary = new TargetSummary(checks.Key, checks.Count(c => c.Met == true), values.Count, runs.Count, null, null, null, checks.First().IsRatio);
                return values.Count == 0 ? summary : summary with { Lowest = values[0], Median = MedianOf(values), Highest = values[^1] };
            })
            .ToList();

    /// <summary>A Markdown table: target, runs met (of those measured), lowest, median and highest figure.</summary>
    public static string Render(IReadOnlyList<TargetSummary> summaries, MacroParameters parameters)
    {
        var text = new StringBuilder(TargetCheck.Caveat(parameters));
        text.AppendLine("| Target | Met | Lowest | Median | Highest |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var s in summaries)
        {
            var met = s.Measured == s.Runs ? $"{s.Met} of {s.Runs}" : s.Measured == 0 ? "not measured" : $"{s.Met} of {s.Measured} measured ({s.Runs} runs)";
            text.Append("| ").Append(s.Target).Append(" | ").Append(met)
                .Append(" | ").Append(s.Format(s.Lowest)).Append(" | ").Append(s.Format(s.Median)).Append(" | ").Append(s.Format(s.Highest)).AppendLine(" |");
        }

        return text.ToString();
    }

    private static double MedianOf(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private string Format(double? value) =>
        value is not { } v ? "" : string.Create(CultureInfo.InvariantCulture, $"{v:F2}{(IsRatio ? "x" : "")}");
}
