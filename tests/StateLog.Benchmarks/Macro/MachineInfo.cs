using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace StateLog.Benchmarks.Macro;

/// <summary>The machine a run was made on, with the device's sequential write bandwidth measured on the spot.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, long MemoryBytes, string Os, string Runtime, double DiskWriteMegabytesPerSecond)
{
    private const int ProbeBytes = 256 * 1024 * 1024;
    private const int ChunkBytes = 4 * 1024 * 1024;

    public static MachineInfo Measure(string directory) => new(
        CpuName(),
        Environment.ProcessorCount,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        SequentialWriteMegabytesPerSecond(directory));

    public override string ToString() =>
        $"{Cpu}, {Cores} cores, {MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, {Os}, {Runtime}; " +
        $"disk: {DiskWriteMegabytesPerSecond:F0} MB/s sequential write (256 MiB + fsync)";

    /// <summary>Writes 256 MiB of random bytes in 4 MiB chunks and fsyncs: the figure includes the fsync.</summary>
    private static double SequentialWriteMegabytesPerSecond(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "disk-probe.dat");
        var chunk = new byte[ChunkBytes];
        Random.Shared.NextBytes(chunk);
        try
        {
            var watch = Stopwatch.StartNew();
            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                for (var written = 0; written < ProbeBytes; written += ChunkBytes)
                {
                    stream.Write(chunk);
                }

                stream.Flush(flushToDisk: true);
            }

            return ProbeBytes / watch.Elapsed.TotalSeconds / Units.Megabyte;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string CpuName()
    {
        const string cpuInfo = "/proc/cpuinfo";
        var line = File.Exists(cpuInfo)
            ? File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
            : null;
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
