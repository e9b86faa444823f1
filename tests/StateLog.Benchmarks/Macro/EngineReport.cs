using System.Collections.Generic;
using System.Linq;

namespace StateLog.Benchmarks.Macro;

/// <summary>What one engine's child process measured: the one JSON line it prints. Rates are derived, so the JSON carries both.</summary>
internal sealed record EngineReport
{
    /// <summary>The engine's id (<see cref="EngineCatalog"/>).</summary>
    public required string Id { get; init; }

    /// <summary>The engine's name in the table.</summary>
    public required string Engine { get; init; }

    public string? Configuration { get; init; }

    /// <summary>Why the engine has no figures (could not load, or a phase failed); <see langword="null"/> when it ran.</summary>
    public string? Unavailable { get; init; }

    public long Records { get; init; }

    public long PayloadBytes { get; init; }

    public double IngestBufferedSeconds { get; init; }

    /// <summary>CPU seconds of the process (all threads) during the phase; likewise for the other <c>Cpu</c> figures.</summary>
    public double IngestBufferedCpuSeconds { get; init; }

    public double IngestBatchedSeconds { get; init; }

    public double IngestBatchedCpuSeconds { get; init; }

    /// <summary>NaN when <see cref="CompactionUnavailable"/>.</summary>
    public double CompactSeconds { get; init; }

    public double CompactCpuSeconds { get; init; }

    /// <summary>Why compaction could not run (the other phases still did), or <see langword="null"/>.</summary>
    public string? CompactionUnavailable { get; init; }

    public long DiskBytesBeforeCompact { get; init; }

    /// <summary>Bytes on disk after compaction and a clean stop, as the reopen finds them (uncompacted when <see cref="CompactionUnavailable"/>).</summary>
    public long DiskBytesAfterCompact { get; init; }

    public long LiveBytes { get; init; }

    public double ReopenSeconds { get; init; }

    /// <summary>Bytes the process read through system calls while reopening (the <c>rchar</c> of /proc/self/io): near zero unless the engine rescans its files.</summary>
    public long ReopenReadBytes { get; init; }

    public double ScanSeconds { get; init; }

    public double ReopenScanCpuSeconds { get; init; }

    /// <summary>Whether the page cache was dropped before reopening (needs root).</summary>
    public bool ColdReopen { get; init; }

    public long PointReads { get; init; }

    public double PointReadSeconds { get; init; }

    public double PointReadCpuSeconds { get; init; }

    public long PeakWorkingSetBytes { get; init; }

    /// <summary>The child's working set with the workload made and no engine opened yet: the harness's share of the peak.</summary>
    public long HarnessWorkingSetBytes { get; init; }

    /// <summary>The memory of each phase in order (<see cref="MemoryPhases"/>); the largest peak is <see cref="PeakWorkingSetBytes"/>.</summary>
    public IReadOnlyList<PhaseMemory> Memory { get; init; } = [];

    /// <summary>Whether each phase's peak is its own; false where the peak could not be reset, so each is the peak so far.</summary>
    public bool PhasePeaksReset { get; init; }

    /// <summary>The phase whose peak is the process's peak, or <see langword="null"/> when no phase was recorded.</summary>
    public string? PeakPhase => Memory.Count == 0 ? null : Memory.MaxBy(p => p.PeakBytes)!.Phase;

    /// <summary>The memory figures of <paramref name="phase"/>, or <see langword="null"/> when it was not recorded.</summary>
    public PhaseMemory? MemoryOf(string phase) => Memory.FirstOrDefault(p => p.Phase == phase);

    public double IngestBufferedRecordsPerSecond => Rate(Records, IngestBufferedSeconds);

    public double IngestBufferedMegabytesPerSecond => Rate(PayloadBytes, IngestBufferedSeconds) / Units.Megabyte;

    public double IngestBatchedRecordsPerSecond => Rate(Records, IngestBatchedSeconds);

    public double IngestBatchedMegabytesPerSecond => Rate(PayloadBytes, IngestBatchedSeconds) / Units.Megabyte;

    /// <summary>Disk bytes after compaction over the key and value bytes of the live records.</summary>
    public double SpaceAmplification => LiveBytes == 0 || CompactionUnavailable is not null ? double.NaN : (double)DiskBytesAfterCompact / LiveBytes;

    public double PointReadsPerSecond => Rate(PointReads, PointReadSeconds);

    private static double Rate(long count, double seconds) => seconds > 0 ? count / seconds : 0;
}
