using System;
using System.Diagnostics;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// Wall time and this process's CPU time (every thread: an engine's background threads count) of one phase. On a
/// shared machine the wall time also counts waiting for a core; the CPU time does not, so it is the steadier figure.
/// </summary>
internal readonly struct PhaseTimer
{
    private readonly long _started;
    private readonly TimeSpan _cpuStarted;

    private PhaseTimer(long started, TimeSpan cpuStarted)
    {
        _started = started;
        _cpuStarted = cpuStarted;
    }

    public static PhaseTimer Start() => new(Stopwatch.GetTimestamp(), Cpu());

    public (double Seconds, double CpuSeconds) Stop() =>
        (Stopwatch.GetElapsedTime(_started).TotalSeconds, (Cpu() - _cpuStarted).TotalSeconds);

    private static TimeSpan Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
