using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Tests.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace StateLog.Tests.Reliability;

/// <summary>
/// D7: the shared workload is run once to count its K storage operations, then K times more with operation N failing
/// (EIO, or ENOSPC after a partial write for writes), once or from then on (SQLite's I/O-error loop). Checks: an
/// append whose write or fsync failed is never acknowledged, and after a failed fsync the partition refuses every
/// append (<see cref="PartitionFailedException"/>) until reopened; a write that failed leaves nothing behind; after
/// the fault is removed a reopen recovers every acknowledged record, <see cref="StateLogEngine.Verify"/> is clean and
/// appends work again (a full disk works once space returns).
/// </summary>
public sealed class IoErrorTests(ITestOutputHelper output)
{
    private const int Seed = 4242;
    private const int Steps = 70;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FailingEachOperationNeverAcknowledgesLostDataAndTheLogRecovers(bool persistent)
    {
        var clean = new SimulatedDisk();
        var reference = new Workload(clean, new Random(Seed));
        await reference.OpenAsync();
        await reference.RunAsync(Steps);
        reference.Engine!.Dispose();
        var k = clean.Faults.Operations;
        int faults = 0, failedAppends = 0, refused = 0, disposeErrors = 0;
        long acked = 0;
        for (var n = 0L; n < k; n++)
        {
            var machine = new SimulatedDisk();
            machine.Faults.FailAt(n, persistent);
            var workload = new Workload(machine, new Random(Seed)) { ContinueAfterFailure = true };
            await workload.RunAsync(Steps);
            try
            {
                workload.Engine?.Dispose();
            }
            catch (IOException)
            {
                disposeErrors++; // a clean close could not write its checkpoint: the next open recovers
            }

            faults += machine.Faults.FaultsInjected;
            failedAppends += workload.FailedAppends;
            refused += workload.Refused;
            machine.Faults.Heal();
            var where = $"D7 ({(persistent ? "persistent" : "once")}) fault at operation {n} of {k}";
            Assert.True(workload.Problems.Count == 0, $"{where}: {string.Join("\n", workload.Problems)}");
            using var engine = machine.Open();
            var topic = engine.GetTopic("orders", 2);
            var problems = await workload.Oracle.CheckAndAdoptAsync(topic);
            Assert.True(problems.Count == 0, $"{where}: {string.Join("\n", problems)}");
            var report = engine.Verify();
            Assert.True(report.IsClean, $"{where}: Verify: {report}");
            await topic.PutAsync("after"u8.ToArray(), "fault"u8.ToArray());
            acked += workload.Oracle.AckedChecked;
        }

        output.WriteLine($"D7 I/O errors ({(persistent ? "persistent" : "once")}): K = {k} operations, {k} runs, {faults} faults injected (EIO, ENOSPC with a partial write), {failedAppends} failed operations, " +
            $"{refused} appends refused by a failed partition, {disposeErrors} closes that reported an error, {acked} acknowledged records checked after reopen, acknowledgements after a failure 0, unexpected exceptions 0");
    }

    [Fact]
    public async Task AFullDiskFailsOnlyTheWriteThatHitItAndTheLogWorksOnceSpaceReturns()
    {
        var machine = new SimulatedDisk();
        using var engine = machine.Open();
        var topic = engine.GetTopic("orders", 1);
        var first = await topic.PutAsync("a"u8.ToArray(), "1"u8.ToArray());
        machine.Faults.FailAt(machine.Faults.Operations, persistent: true, op => op == StorageOp.Write);
        for (var i = 0; i < 3; i++)
        {
            var e = await Assert.ThrowsAsync<StateLogException>(async () => await topic.PutAsync("b"u8.ToArray(), new byte[200]));
            Assert.Equal(FaultStorage.Enospc, (e.InnerException as IOException)?.HResult);
        }

        Assert.Equal("1"u8.ToArray(), await topic.GetAsync("a"u8.ToArray()));
        machine.Faults.Heal();
        var next = await topic.PutAsync("b"u8.ToArray(), "2"u8.ToArray());
        Assert.Equal(first.Offset + 1, next.Offset);
        Assert.True(engine.Verify().IsClean, engine.Verify().ToString());
        output.WriteLine($"D7 full disk: 3 appends failed with ENOSPC after a partial write, nothing of them kept, the next append after space returned got offset {next.Offset}");
    }

    [Fact]
    public async Task AClosingFsyncThatFailsStillLetsGoOfEverySegmentAndTheNextOpenRecovers()
    {
        var machine = new SimulatedDisk();
        var engine = machine.Open();
        var topic = engine.GetTopic("orders", 2);
        for (var i = 0; i < 40; i++)
        {
            await topic.PutAsync(System.Text.Encoding.UTF8.GetBytes($"k{i % 5}"), new byte[60]);
        }

        var segments = topic.PartitionLogs.SelectMany(log => log.Segments).ToList();
        Assert.True(segments.Count > 2);
        machine.Faults.FailAt(machine.Faults.Operations, persistent: true, op => op == StorageOp.Sync);

        engine.Dispose(); // every partition's closing fsync fails: each still closes, and no clean-shutdown marker is written

        Assert.All(segments, segment => Assert.False(segment.TryAcquire(), $"segment {segment.BaseOffset} is still open"));
        machine.Faults.Heal();
        using var reopened = machine.Open();
        Assert.Equal(5, await reopened.GetTopic("orders", 2).GetAllAsync().CountAsync());
    }

    [Fact]
    public async Task AfterAFailedFsyncThePartitionRefusesWritesUntilReopenedAndReadsStillWork()
    {
        var machine = new SimulatedDisk();
        var engine = machine.Open();
        var topic = engine.GetTopic("orders", 1);
        await topic.PutAsync("a"u8.ToArray(), "1"u8.ToArray());
        machine.Faults.FailAt(machine.Faults.Operations, persistent: false, op => op == StorageOp.Sync);
        await Assert.ThrowsAsync<PartitionFailedException>(async () => await topic.PutAsync("b"u8.ToArray(), "2"u8.ToArray()));
        for (var i = 0; i < 3; i++)
        {
            // fsync "works" again now (the ATC'20 trap): the partition must still refuse, never retry and acknowledge.
            await Assert.ThrowsAsync<PartitionFailedException>(async () => await topic.PutAsync("c"u8.ToArray(), "3"u8.ToArray()));
        }

        Assert.Equal("1"u8.ToArray(), await topic.GetAsync("a"u8.ToArray()));
        Assert.True(topic.GetStats().Partitions[0].IsFailed);
        engine.Dispose();
        using var reopened = machine.Open();
        var t = reopened.GetTopic("orders", 1);
        var next = await t.PutAsync("d"u8.ToArray(), "4"u8.ToArray());
        Assert.Equal("1"u8.ToArray(), await t.GetAsync("a"u8.ToArray()));
        Assert.Null(await t.GetAsync("c"u8.ToArray()));
        Assert.True(reopened.Verify().IsClean, reopened.Verify().ToString());
        output.WriteLine($"D7 failed fsync: 1 append failed, 3 refused while fsync worked again, reopened partition appends at offset {next.Offset}");
    }
}
