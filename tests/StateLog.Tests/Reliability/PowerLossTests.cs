using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Tests.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace StateLog.Tests.Reliability;

/// <summary>
/// D2: simulated power loss at random points. The shared workload runs on <see cref="MemStorage"/>; at a random
/// storage operation the disk freezes, the engine is abandoned, and the post-crash image of a random
/// <see cref="CrashMode"/> is reopened. Open must not throw; the log must be a prefix of what was appended holding
/// every acknowledged record; the key index must agree with it; <see cref="StateLogEngine.Verify"/> must be clean.
/// </summary>
public sealed class PowerLossTests(ITestOutputHelper output)
{
    private const int CrashesPerSeed = 3;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1111491253)] // the data directory's creation was never made durable in its parent
    public async Task RegressionSeeds(int seed) => Assert.Empty((await RunSeedAsync(seed)).Problems);

    [Fact]
    public async Task RandomCrashPoints()
    {
        var master = Soak.MasterSeed();
        var seeds = Soak.Scale(700, 50_000);
        var random = new Random(master);
        var byMode = new Dictionary<CrashMode, int>();
        long acked = 0, inFlight = 0, unackedLost = 0;
        for (var i = 0; i < seeds; i++)
        {
            var seed = random.Next();
            var result = await RunSeedAsync(seed);
            if (result.Problems.Count > 0)
            {
                Assert.Fail($"D2 seed {seed} (master {master}) failed:\n{string.Join("\n", result.Problems)}");
            }

            foreach (var mode in result.Modes)
            {
                byMode[mode] = byMode.GetValueOrDefault(mode) + 1;
            }

            acked += result.Oracle.AckedChecked;
            inFlight += result.Oracle.InFlightRecovered;
            unackedLost += result.Oracle.UnackedLost;
        }

        output.WriteLine($"D2 power loss: master seed {master}, {seeds * CrashesPerSeed} crashes ({string.Join(", ", byMode.OrderBy(m => m.Key).Select(m => $"{m.Key} {m.Value}"))}), " +
            $"{acked} acknowledged records checked, {inFlight} in-flight recovered, {unackedLost} unacknowledged lost, acknowledged lost 0, holes 0, Open failures 0");
    }

    private static async Task<(List<string> Problems, List<CrashMode> Modes, LogOracle Oracle)> RunSeedAsync(int seed)
    {
        var random = new Random(seed);
        var machine = new SimulatedDisk();
        var workload = new Workload(machine, random);
        var modes = new List<CrashMode>();
        var problems = new List<string>();
        await workload.OpenAsync();
        for (var crash = 0; crash < CrashesPerSeed && problems.Count == 0; crash++)
        {
            machine.Faults.FreezeAt(machine.Faults.Operations + random.Next(1, 250));
            await workload.RunAsync(150);
            var mode = (CrashMode)random.Next(Enum.GetValues<CrashMode>().Length);
            modes.Add(mode);
            machine.PowerLoss(mode, random);
            try
            {
                await workload.OpenAsync();
            }
            catch (Exception e)
            {
                problems.Add($"crash {crash} ({mode}): Open threw {e}");
                break;
            }

            problems.AddRange(workload.Problems.Select(p => $"crash {crash} ({mode}): {p}"));
            var report = workload.Engine!.Verify();
            if (!report.IsClean)
            {
                problems.Add($"crash {crash} ({mode}): Verify: {report}");
            }
        }

        return (problems, modes, workload.Oracle);
    }
}
