using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace StateLog.Tests.Compaction;

/// <summary>
/// Acceptance point 5: 2,000,000 updates over 100,000 Zipf-distributed keys, then one CompactAsync: at most one record
/// per key and bytes on disk within 1.2× the live bytes. The pass is measured on the way (MB/s cleaned, peak managed
/// heap, space amplification before and after) and the figures are printed with the test's output.
/// </summary>
public sealed class ZipfCompactionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Compaction_ZipfUpdates_LeaveOneRecordPerKey_WithinSpaceBound()
    {
        var pause = new WriterPause();
        using var h = Harness(pause);
        var model = await Load(h, pause, 2_000_000, 100_000);
        h.Log.Roll();
        var live = LiveBytes(model);
        var dirty = h.Log.Segments.Sum(s => s.Size);
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                Thread.Sleep(2);
            }
        });
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = await h.Topic.CompactAsync();
        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        await stop.CancelAsync();
        await sampler;

        var records = h.Read();
        Assert.True(records.GroupBy(r => r.Key).All(g => g.Count() == 1), "a key has more than one record");
        Assert.Equal(model.Count, records.Count);
        Assert.All(records, r => Assert.Equal(model[r.Key], r.Value));
        var onDisk = h.Log.Segments.Sum(s => s.Size);
        output.WriteLine(string.Join(
            Environment.NewLine,
            $"dirty log cleaned: {dirty / 1e6:F1} MB in {watch.Elapsed.TotalSeconds:F2} s = {dirty / 1e6 / watch.Elapsed.TotalSeconds:F0} MB/s wall, {dirty / 1e6 / cpu.TotalSeconds:F0} MB per CPU-second (load average {LoadAverage()})",
            $"records: {result.RecordsBefore:N0} -> {result.RecordsAfter:N0}; bytes {result.BytesBefore:N0} -> {result.BytesAfter:N0}",
            $"peak managed heap during the pass: +{(peak - baseline) / 1e6:F1} MB over {baseline / 1e6:F1} MB",
            $"space amplification (bytes on disk / live key+value bytes): before {(double)dirty / live:F2}x, after {(double)onDisk / live:F2}x"));
        Assert.True(onDisk <= 1.2 * live, $"{onDisk} bytes on disk for {live} live bytes");
    }

    private static string LoadAverage() =>
        System.IO.File.Exists("/proc/loadavg") ? System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static CompactionHarness Harness(WriterPause pause)
    {
        var h = new CompactionHarness(
            o =>
            {
                o.SegmentBytes = 16L * 1024 * 1024;
                o.MaxRecordBytes = 1024 * 1024;
                o.IndexIntervalBytes = 4096;
            },
            open: false);
        h.Open(pause);
        return h;
    }

    /// <summary>
    /// Appends <paramref name="updates"/> records in waves of 1,000 that group commit turns into one batch each, as a
    /// busy producer's would be: the wave's first put is written while the writer is held at its <c>Log.AfterWrite</c>
    /// point, so the other 999 queue up behind it and go out as the next round. 1% are deletes.
    /// </summary>
    private static async Task<Dictionary<string, string?>> Load(CompactionHarness h, WriterPause pause, int updates, int keys)
    {
        var random = new Random(7);
        var cdf = new double[keys];
        var sum = 0.0;
        for (var i = 0; i < keys; i++)
        {
            sum += 1.0 / (i + 1);
            cdf[i] = sum;
        }

        var model = new Dictionary<string, string?>();
        var wave = new Task<RecordPosition>[1000];
        var value = new string('v', 90);
        for (var done = 0; done < updates; done += wave.Length)
        {
            for (var i = 0; i < wave.Length; i++)
            {
                if (i == 1)
                {
                    pause.Hold(); // wave[0] has been written and its writer waits: the rest queue up
                }

                var rank = Array.BinarySearch(cdf, random.NextDouble() * sum);
                var key = $"key-{(rank < 0 ? ~rank : rank):D6}";
                string? v = random.Next(100) == 0 ? null : $"{done + i:D10}{value}";
                model[key] = v;
                Func<Task<RecordPosition>> put = () => v is null ? h.Topic.DeleteAsync(Encoding.UTF8.GetBytes(key)).AsTask() : h.Topic.PutAsync(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(v)).AsTask();
                wave[i] = i == 0 ? pause.Arm(put) : put();
            }

            pause.Release();
            await Task.WhenAll(wave);
        }

        return model;
    }

    /// <summary>Holds the partition writer at <c>Log.AfterWrite</c> once, on request, so that appends queue up behind it.</summary>
    private sealed class WriterPause : StateLog.Storage.IO.ICrashPoints
    {
        private readonly SemaphoreSlim _reached = new(0);
        private readonly SemaphoreSlim _resume = new(0);
        private volatile bool _armed;

        public void Hit(string name)
        {
            if (name == "Log.AfterWrite" && _armed)
            {
                _armed = false;
                _reached.Release();
                _resume.Wait();
            }
        }

        /// <summary>Starts <paramref name="put"/> on another thread with the pause armed.</summary>
        public Task<RecordPosition> Arm(Func<Task<RecordPosition>> put)
        {
            _armed = true;
            return Task.Run(put);
        }

        public void Hold() => _reached.Wait();

        public void Release() => _resume.Release();
    }

    /// <summary>Key plus value bytes of each key's latest record (a retained tombstone counts its key).</summary>
    private static long LiveBytes(Dictionary<string, string?> model) => model.Sum(e => (long)e.Key.Length + (e.Value?.Length ?? 0));
}
