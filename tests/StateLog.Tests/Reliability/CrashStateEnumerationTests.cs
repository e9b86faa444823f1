using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Tests.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace StateLog.Tests.Reliability;

/// <summary>
/// D3: every crash state of a fixed workload (ALICE / SQLite TH3 style). The workload is recorded once to count its
/// K storage operations; then for every i in 0..K it is replayed with the disk frozen before operation i, and the
/// image is reopened under every <see cref="CrashMode"/>. Checks as D2, plus: a second recovery after another power
/// loss changes nothing (idempotence), no temporary files are left, a new append and a clean close work. A sample of
/// states is crashed again at every operation of recovery itself (compound failures).
/// </summary>
public sealed class CrashStateEnumerationTests(ITestOutputHelper output)
{
    private const int WorkloadSeed = 20261125;
    private static readonly int WorkloadSteps = Soak.Scale(90, 300);
    private static readonly int CompoundEvery = Soak.Scale(30, 5);
    private static readonly string[] LeftoverSuffixes = [".tmp", ".cleaned", ".swap", ".deleted"];

    [Fact]
    public async Task EveryCrashStateOfTheFixedWorkload()
    {
        var recording = new SimulatedDisk();
        recording.Faults.Record = true;
        var recorded = await RunWorkloadAsync(recording);
        recorded.Engine!.Dispose();
        var k = recording.Faults.Operations;
        var states = 0;
        var compound = 0;
        var problems = new List<string>();
        for (var i = 0L; i <= k && problems.Count == 0; i++)
        {
            var machine = new SimulatedDisk();
            machine.Faults.FreezeAt(i);
            var workload = await RunWorkloadAsync(machine);
            foreach (var mode in Enum.GetValues<CrashMode>())
            {
                var random = new Random((int)(i * 7 + (int)mode));
                var image = machine.Disk.Crash(mode, random);
                var where = $"state {i}/{k} (before {OperationAt(recording, i)}), {mode}";
                problems.AddRange((await CheckRecoveryAsync(image, workload.Oracle.Clone())).Select(p => $"{where}: {p}"));
                states++;
                if (i % CompoundEvery == 0 && mode == CrashMode.TornLastWrite)
                {
                    compound += await CheckCompoundAsync(image, workload.Oracle, where, problems);
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
        output.WriteLine($"D3 crash-state enumeration: K = {k} operations, {states} crash states (prefix × {Enum.GetValues<CrashMode>().Length} modes, torn included), {compound} compound states (a crash at every operation of recovery), vulnerabilities 0");
    }

    private static string OperationAt(SimulatedDisk recording, long i) =>
        i < recording.Faults.Trace.Count ? recording.Faults.Trace[(int)i] : "the end";

    private static async Task<Workload> RunWorkloadAsync(SimulatedDisk machine)
    {
        var workload = new Workload(machine, new Random(WorkloadSeed));
        try
        {
            await workload.OpenAsync();
        }
        catch (Exception e) when (e is System.IO.IOException or StateLogException)
        {
            return workload; // frozen before the first open finished: nothing was acknowledged
        }

        await workload.RunAsync(WorkloadSteps);
        return workload;
    }

    /// <summary>Reopens an image and checks it; then loses power again right after recovery and checks that nothing changes; then appends and closes cleanly.</summary>
    private static async Task<List<string>> CheckRecoveryAsync(MemStorage image, LogOracle oracle)
    {
        var problems = new List<string>();
        var machine = new SimulatedDisk(image);
        var first = await ReopenAndCheckAsync(machine, oracle, problems);
        if (first is null)
        {
            return problems;
        }

        var recovered = Enumerable.Range(0, 2).Select(p => oracle.Known(p).ToList()).ToList();
        machine.PowerLoss(CrashMode.DropAllUnsynced, new Random(1));
        var second = await ReopenAndCheckAsync(machine, oracle, problems);
        if (second is null)
        {
            return problems;
        }

        for (var p = 0; p < 2; p++)
        {
            if (!oracle.Known(p).SequenceEqual(recovered[p]))
            {
                problems.Add($"a second recovery changed partition {p}: {recovered[p].Count} records before, {oracle.Known(p).Count} after");
            }
        }

        var leftovers = machine.Disk.AllFiles().Where(f => LeftoverSuffixes.Any(s => f.EndsWith(s, StringComparison.Ordinal))).ToList();
        if (leftovers.Count > 0)
        {
            problems.Add($"temporary files left after recovery: {string.Join(", ", leftovers)}");
        }

        var topic = second.GetTopic("orders");
        var position = await topic.PutAsync(LogOracle.Bytes("after"), LogOracle.Bytes("crash"));
        second.Dispose();
        using var third = machine.Open();
        var value = await third.GetTopic("orders").GetAsync(LogOracle.Bytes("after"));
        if (value is null || third.GetTopic("orders").GetStats().Partitions[position.Partition].LogEndOffset != position.Offset + 1)
        {
            problems.Add("an append after recovery did not survive a clean close");
        }

        var report = third.Verify();
        if (!report.IsClean)
        {
            problems.Add($"Verify after a clean close: {report}");
        }

        return problems;
    }

    private static async Task<StateLogEngine?> ReopenAndCheckAsync(SimulatedDisk machine, LogOracle oracle, List<string> problems)
    {
        StateLogEngine engine;
        try
        {
            engine = machine.Open();
        }
        catch (Exception e)
        {
            problems.Add($"Open threw {e.GetType().Name}: {e.Message}");
            return null;
        }

        problems.AddRange(await oracle.CheckAndAdoptAsync(engine.GetTopic("orders", 2)));
        var report = engine.Verify();
        if (!report.IsClean)
        {
            problems.Add($"Verify: {report}");
        }

        return problems.Count == 0 ? engine : null;
    }

    /// <summary>Crashes recovery itself at each of its operations, then recovers again; returns the states checked.</summary>
    private static async Task<int> CheckCompoundAsync(MemStorage image, LogOracle oracle, string where, List<string> problems)
    {
        var counting = new SimulatedDisk(image.Crash(CrashMode.DropAllUnsynced, new Random(0)));
        counting.Open().Dispose();
        var recoveryOps = counting.Faults.Operations;
        for (var j = 0L; j < recoveryOps; j++)
        {
            var machine = new SimulatedDisk(image.Crash(CrashMode.DropAllUnsynced, new Random(0)));
            machine.Faults.FreezeAt(j);
            try
            {
                machine.Open();
            }
            catch (Exception e) when (e is System.IO.IOException or StateLogException)
            {
                // recovery died at operation j
            }

            machine.PowerLoss(CrashMode.DropAllUnsynced, new Random((int)j));
            var check = oracle.Clone();
            var local = new List<string>();
            using var engine = await ReopenAndCheckAsync(machine, check, local);
            problems.AddRange(local.Select(p => $"{where}, recovery crashed at its operation {j}: {p}"));
        }

        return (int)recoveryOps;
    }
}
