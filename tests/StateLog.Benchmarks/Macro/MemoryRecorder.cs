using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// Records <see cref="PhaseMemory"/> phase by phase: at each phase's end it reads /proc/self/status and the GC's
/// figures, then resets the peak resident set (writing 5 to /proc/self/clear_refs) so the next phase's VmHWM is its
/// own. The process's peak is the largest of the phases' peaks.
/// </summary>
internal sealed class MemoryRecorder
{
    /// <summary>The large-object heap's index in <see cref="GCMemoryInfo.GenerationInfo"/> (after generations 0, 1 and 2).</summary>
    private const int LargeObjectHeap = 3;

    private readonly List<PhaseMemory> _phases = new();
    private long _allocated = GC.GetTotalAllocatedBytes();
    private int[] _collections = Collections();

    /// <summary>Starts recording; the first phase runs from here.</summary>
    public MemoryRecorder()
    {
        PeakResets = SystemProbe.TryResetPeakWorkingSet();
    }

    /// <summary>Whether each phase's peak is its own (false: every figure is the peak since the process started).</summary>
    public bool PeakResets { get; }

    public IReadOnlyList<PhaseMemory> Phases => _phases;

    /// <summary>The process's peak resident set over every phase recorded so far.</summary>
    public long Peak => _phases.Count == 0 ? SystemProbe.PeakWorkingSet() : _phases.Max(p => p.PeakBytes);

    /// <summary>
    /// Closes the phase now running as <paramref name="phase"/> and starts the next, on a fresh thread-pool stack: the
    /// phase's last continuation ran the caller inline, and its frames would otherwise keep what they referenced (the
    /// closure of the last batch write, and through it a closed engine) reachable for the rest of the run.
    /// </summary>
    public async Task EndPhaseAsync(string phase)
    {
        await Task.Yield();
        var status = SystemProbe.Memory();
        var gc = GC.GetGCMemoryInfo();
        var loh = gc.GenerationInfo.Length > LargeObjectHeap ? gc.GenerationInfo[LargeObjectHeap] : default; // empty before the first collection
        var allocated = GC.GetTotalAllocatedBytes();
        var collections = Collections();
        _phases.Add(new PhaseMemory(phase, status.Peak, status.Resident, status.Anonymous, status.File, GC.GetTotalMemory(forceFullCollection: false), gc.TotalCommittedBytes, gc.HeapSizeBytes, gc.FragmentedBytes,
            loh.SizeAfterBytes, loh.FragmentationAfterBytes,
            allocated - _allocated, collections.Zip(_collections, (now, before) => now - before).ToArray()));
        _allocated = allocated;
        _collections = collections;
        if (PeakResets)
        {
            SystemProbe.TryResetPeakWorkingSet();
        }
    }

    private static int[] Collections() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
}
