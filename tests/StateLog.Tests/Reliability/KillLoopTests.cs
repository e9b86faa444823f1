using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Tests.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace StateLog.Tests.Reliability;

/// <summary>
/// D1: kill -9 loop. <c>StateLog.CrashChild</c> appends from six concurrent writers under <see cref="Durability.Fsync"/>
/// with 16 KiB segments and 200 ms age rolls, printing BEGIN before and ACK after every append; the parent SIGKILLs it
/// at a random moment 30–800 ms after READY, or right after a random N-th ACK in one run of five, and the next child
/// recovers the same folder. Every tenth kill the parent opens the folder itself and checks it against the ACK log
/// (<see cref="AckLog"/>) and <see cref="StateLogEngine.Verify"/>. The folder starts afresh every 20 kills so recovery
/// time stays flat (no cleaner exists yet to bound it).
/// </summary>
public sealed class KillLoopTests(ITestOutputHelper output)
{
    private const int KillsPerFolder = 20;

    [Fact]
    public async Task KillNineLoopLosesNothingAcknowledged()
    {
        var master = Soak.MasterSeed();
        var random = new Random(master);
        var maxKills = Soak.Scale(150, 5000);
        var budget = Soak.Enabled ? TimeSpan.FromHours(2) : TimeSpan.FromSeconds(150); // 150 kills take about 75 s alone; the cap only guards a loaded machine
        using var root = new TempDirectory();
        var clock = Stopwatch.StartNew();
        int kills = 0, killsAfterAck = 0, checks = 0;
        long acked = 0, records = 0, inFlight = 0;
        var recoveries = new List<double>();
        var model = new AckLog();
        var folder = "";
        while (kills < maxKills && clock.Elapsed < budget)
        {
            if (kills % KillsPerFolder == 0)
            {
                folder = root.Combine($"run{kills}");
                model = new AckLog();
            }

            var seed = random.Next();
            var afterAck = random.Next(5) == 0 ? random.Next(1, 1500) : (int?)null;
            var delay = random.Next(30, 800);
            var started = clock.Elapsed;
            using (var child = ChildProcess.Start(["write", folder, seed.ToString(System.Globalization.CultureInfo.InvariantCulture), $"c{kills}"]))
            {
                await child.WaitReadyAsync();
                recoveries.Add((clock.Elapsed - started).TotalMilliseconds);
                if (afterAck is { } n)
                {
                    await Task.WhenAny(child.AckCountAsync(n), Task.Delay(3000));
                    killsAfterAck++;
                }
                else
                {
                    await Task.Delay(delay);
                }

                if (child.HasExited)
                {
                    Assert.Fail($"D1 seed {seed} (master {master}): the child died before the kill: {await child.StderrAsync()}");
                }

                model.Add(await child.KillAsync());
            }

            kills++;
            if (kills % 10 == 0 || kills % KillsPerFolder == 0 || kills == maxKills || clock.Elapsed >= budget)
            {
                checks++;
                using var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = folder, EnableCleaner = false });
                var (problems, read, found) = await model.CheckAsync(engine, StateLog.CrashChild.Program.Topics, StateLog.CrashChild.Program.TopicName);
                var report = engine.Verify();
                Assert.True(problems.Count == 0 && report.IsClean, $"D1 after kill {kills} (last child seed {seed}, master {master}):\n{string.Join("\n", problems.Take(20))}\nVerify: {report}");
                records += read;
                inFlight += found;
                acked += model.Acked;
            }
        }

        recoveries.Sort();
        output.WriteLine($"D1 kill -9 loop: master seed {master}, {kills} kills ({killsAfterAck} right after an ACK) in {clock.Elapsed.TotalSeconds:F0} s, {checks} parent checks, " +
            $"{acked} acknowledged records checked (cumulative), {records} records read, {inFlight} in-flight records recovered, lost 0, unexpected 0, duplicated 0; " +
            $"child start + recovery to READY p50 {recoveries[recoveries.Count / 2]:F0} ms, p99 {recoveries[(int)(recoveries.Count * 0.99)]:F0} ms, max {recoveries[^1]:F0} ms");
    }
}
