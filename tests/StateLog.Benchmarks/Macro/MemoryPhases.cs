using System.Collections.Generic;

namespace StateLog.Benchmarks.Macro;

/// <summary>The phases of a child run as its memory figures name them, in the order they run.</summary>
internal static class MemoryPhases
{
    public const string Workload = "workload made";
    public const string IngestBatched = "ingest, sync every batch (and close)";
    public const string IngestBuffered = "ingest, buffered";
    public const string Compaction = "compaction";
    public const string Close = "close";
    public const string Reopen = "reopen";
    public const string Scan = "full scan";
    public const string PointReads = "point reads";
    public const string FinalClose = "final close";

    public static IReadOnlyList<string> All { get; } = [Workload, IngestBatched, IngestBuffered, Compaction, Close, Reopen, Scan, PointReads, FinalClose];
}
