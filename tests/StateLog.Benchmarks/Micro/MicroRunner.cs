using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace StateLog.Benchmarks.Micro;

/// <summary>
/// <c>micro [--filter *Crc*] [other BenchmarkDotNet arguments]</c>: the BenchmarkDotNet micro benches of this
/// assembly, run in process (no generated project to build, so they run from the one Release build), with a short
/// job by default (3 warm-ups, 3 measured iterations; pass <c>--job default</c> for BenchmarkDotNet's full run) and an
/// MB/s column for benches with a <c>Bytes</c> parameter.
/// </summary>
internal static class MicroRunner
{
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).AsDefault())
            .AddColumn(new ThroughputColumn());
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroRunner).Assembly).Run(args, config);
        return summaries is null ? 1 : 0;
    }
}
