using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace StateLog.Benchmarks.Micro;

/// <summary>
/// <c>micro [--filter *Crc*] [other BenchmarkDotNet arguments]</c>: the BenchmarkDotNet micro benches of this
/// assembly, run in process (no generated project to build, so they run from the one Release build).
/// </summary>
internal static class MicroRunner
{
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroRunner).Assembly).Run(args, config);
        return summaries is null ? 1 : 0;
    }
}
