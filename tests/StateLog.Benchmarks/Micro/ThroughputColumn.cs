using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StateLog.Benchmarks.Micro;

/// <summary>MB/s (decimal) for benchmarks with a <c>Bytes</c> parameter: the bytes one operation handles over its mean time.</summary>
internal sealed class ThroughputColumn : IColumn
{
    public const string BytesParameter = "Bytes";

    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Decimal megabytes handled per second (Bytes / Mean)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var bytes = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == BytesParameter)?.Value;
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return bytes is int count && mean is > 0
            ? (count / mean.Value * 1000).ToString("N0", CultureInfo.InvariantCulture)
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
