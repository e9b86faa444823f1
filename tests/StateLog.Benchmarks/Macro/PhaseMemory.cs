namespace StateLog.Benchmarks.Macro;

/// <summary>
/// The child's memory over one phase: the peak resident set within the phase (VmHWM, reset at the phase's start),
/// and at its end the resident set split into anonymous memory (heaps, stacks) and file pages (mapped files and the
/// runtime's own code), plus the managed heap as the GC sees it.
/// </summary>
/// <param name="Phase">The phase's name, as the table and the JSON show it.</param>
/// <param name="PeakBytes">The largest resident set during the phase (VmHWM); cumulative from the start of the process when the peak could not be reset.</param>
/// <param name="EndBytes">The resident set at the end of the phase (VmRSS).</param>
/// <param name="EndAnonymousBytes">Of which anonymous memory (RssAnon): the GC heap, native heaps, stacks.</param>
/// <param name="EndFileBytes">Of which file pages (RssFile): memory-mapped files, the runtime's and the engine's native code.</param>
/// <param name="ManagedBytes">Bytes the managed heap holds at the end of the phase (<c>GC.GetTotalMemory(false)</c>: live objects and garbage not collected yet).</param>
/// <param name="GcCommittedBytes">Memory the GC had committed at its last collection (<c>GCMemoryInfo.TotalCommittedBytes</c>).</param>
/// <param name="GcHeapBytesAfterLastGc">The managed heap's size after its last collection (<c>GCMemoryInfo.HeapSizeBytes</c>), near the live objects.</param>
/// <param name="GcFragmentedBytes">Free space inside the managed heap at its last collection (<c>GCMemoryInfo.FragmentedBytes</c>): committed, resident once touched, and holding nothing.</param>
/// <param name="LargeObjectHeapBytes">The large-object heap's size after the last collection (arrays of 85,000 bytes and more): it is never compacted, so what dies there stays as fragmentation.</param>
/// <param name="LargeObjectHeapFragmentedBytes">Of which free space.</param>
/// <param name="AllocatedBytes">Bytes the process allocated on the managed heap during the phase: the garbage that makes the heap grow.</param>
/// <param name="Collections">Garbage collections during the phase, of generations 0, 1 and 2.</param>
internal sealed record PhaseMemory(string Phase, long PeakBytes, long EndBytes, long EndAnonymousBytes, long EndFileBytes, long ManagedBytes, long GcCommittedBytes, long GcHeapBytesAfterLastGc, long GcFragmentedBytes, long LargeObjectHeapBytes, long LargeObjectHeapFragmentedBytes, long AllocatedBytes, int[] Collections);
