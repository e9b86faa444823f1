using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using StateLog.Tests.Compaction;

namespace StateLog.Tests.Storage;

/// <summary>
/// Appends issued before any is awaited share batches and one completion per batch (each append's ValueTask carries
/// its index in the batch): every append must still get its own offset, in issue order, and every way of awaiting must
/// resume, in the context it asked for. Such appends are written when first awaited, so they go out together; appends
/// nobody awaits are written after the linger, or by the close.
/// </summary>
public sealed class PipelinedAppendTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(Durability.Buffered)]
    [InlineData(Durability.Fsync)]
    public async Task PipelinedAppends_GetConsecutiveOffsetsInIssueOrder_AndReadBack(Durability durability)
    {
        const int count = 5000;
        using var engine = StateLogEngine.Open(Options(durability));
        var topic = engine.GetTopic("pipelined", 1);
        var pending = Issue(topic, count, deletes: true);

        for (var i = 0; i < count; i++)
        {
            Assert.Equal(new RecordPosition("pipelined", 0, i), await pending[i]);
        }

        var read = await TopicReads.ReadAllAsync(topic);

        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), read.Select(r => r.Offset));
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(Key(i), read[i].Key.ToArray());
            Assert.Equal(i % 10 == 9 ? null : Value(i), read[i].Value?.ToArray());
        }

        Assert.Equal(Value(count - 2), await topic.GetAsync(Key(count - 2)));
        Assert.Null(await topic.GetAsync(Key(count - 1)));
    }

    [Theory]
    [InlineData(Durability.Buffered)]
    [InlineData(Durability.Fsync)]
    public async Task AppendsIssuedBeforeAnyIsAwaited_GoOutAsOneBatch_WithOneFsync(Durability durability)
    {
        const int count = 1000;

        // Nothing but the first await may start the write, however slowly the appends are issued.
        using var engine = StateLogEngine.Open(Unprompted(durability));
        var topic = engine.GetTopic("together", 1);
        var log = topic.PartitionLogs[0];
        for (var round = 0; round < 3; round++)
        {
            var pending = Issue(topic, count, slowly: true);

            Assert.Equal(round * count, log.LogEndOffset);
            var fsyncsBefore = log.FsyncCount;
            foreach (var p in pending)
            {
                await p;
            }

            Assert.Equal(round + 1, CompactionHarness.Batches(log.ActiveSegment).Count);
            Assert.Equal(durability == Durability.Fsync ? fsyncsBefore + 1 : fsyncsBefore, log.FsyncCount);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AppendsNobodyAwaits_AreWrittenAfterTheLinger(bool flowSuppressed)
    {
        // A clock that never ticks: no periodic flush, which would also start the write.
        var options = Options(Durability.Fsync);
        options.TimeProvider = new FakeTimeProvider();
        using var engine = StateLogEngine.Open(options);
        var topic = engine.GetTopic("unawaited", 1);
        var log = topic.PartitionLogs[0];
        ValueTask<RecordPosition> pending;

        // The partition's first append sets up its linger timer, whatever the caller did to its execution context.
        var flow = flowSuppressed ? ExecutionContext.SuppressFlow() : default(AsyncFlowControl?);
        try
        {
            pending = topic.PutAsync(Key(1), Value(1));
        }
        finally
        {
            flow?.Undo();
        }

        // Liveness only: the linger is milliseconds; the deadline is generous for a loaded machine.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (log.LogEndOffset == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(options.AppendLinger);
        }

        // Written by the linger, before anyone awaited it; the key index has it once the append is acknowledged (the
        // offset is taken before the fsync and the index update).
        Assert.Equal(1, log.LogEndOffset);
        Assert.Equal(0, (await pending).Offset);
        Assert.Equal(Value(1), await topic.GetAsync(Key(1)));
    }

    [Theory]
    [InlineData(Durability.Buffered)]
    [InlineData(Durability.Fsync)]
    public async Task Flush_WritesAndSyncsAppendsNobodyAwaited(Durability durability)
    {
        const int count = 300;
        using var engine = StateLogEngine.Open(Unprompted(durability));
        var topic = engine.GetTopic("flushed", 1);
        var log = topic.PartitionLogs[0];
        var pending = Issue(topic, count);

        Assert.Equal(0, log.LogEndOffset);
        var fsyncsBefore = log.FsyncCount;
        await topic.FlushAsync();

        // Written and fsynced by the flush itself, before any append was awaited.
        Assert.Equal(count, log.LogEndOffset);
        Assert.True(log.FsyncCount > fsyncsBefore);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i, (await pending[i]).Offset);
        }
    }

    [Theory]
    [InlineData(Durability.Buffered)]
    [InlineData(Durability.Fsync)]
    public async Task Close_WritesAppendsNobodyAwaited(Durability durability)
    {
        const int count = 300;
        ValueTask<RecordPosition>[] pending;
        using (var engine = StateLogEngine.Open(Unprompted(durability)))
        {
            var topic = engine.GetTopic("closing", 1);
            pending = Issue(topic, count, deletes: true);

            Assert.Equal(0, topic.PartitionLogs[0].LogEndOffset);
        }

        for (var i = 0; i < count; i++)
        {
            // Done by the close; the deadline only turns a lost append into a failure instead of a hang.
            Assert.Equal(i, (await pending[i].AsTask().WaitAsync(TimeSpan.FromSeconds(30))).Offset);
        }

        using (var engine = StateLogEngine.Open(Options(durability)))
        {
            var read = await TopicReads.ReadAllAsync(engine.GetTopic("closing", 1));
            Assert.Equal(Enumerable.Range(0, count).Select(i => i % 10 == 9 ? null : Value(i)), read.Select(r => r.Value?.ToArray()));
        }
    }

    [Fact]
    public async Task PutAsync_CopiesKeyAndValue_BeforeItReturns()
    {
        using var engine = StateLogEngine.Open(Options(Durability.Buffered));
        var topic = engine.GetTopic("copies", 1);
        var key = new byte[Key(0).Length];
        var value = new byte[64];
        var pending = new List<ValueTask<RecordPosition>>();
        for (var i = 0; i < 200; i++)
        {
            // One pair of buffers for every put, overwritten before the earlier puts are written.
            Key(i).CopyTo(key, 0);
            Array.Fill(value, (byte)i);
            pending.Add(topic.PutAsync(key, value));
        }

        foreach (var p in pending)
        {
            await p;
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(Enumerable.Repeat((byte)i, 64), await topic.GetAsync(Key(i)));
        }
    }

    [Fact]
    public async Task EveryWayOfAwaiting_OneBatch_ResumesWithItsOwnResult_InItsContext()
    {
        using var engine = StateLogEngine.Open(Options(Durability.Fsync));
        var topic = engine.GetTopic("awaiting", 1);
        var flowing = new AsyncLocal<string>();
        for (var round = 0; round < 50; round++)
        {
            var first = round * 4L;
            var asTask = topic.PutAsync(Key(0), Value(0)).AsTask();
            var configured = topic.PutAsync(Key(1), Value(1));
            var withContext = topic.PutAsync(Key(2), Value(2));
            var onCompleted = topic.PutAsync(Key(3), Value(3));

            var flowed = FlowsExecutionContext(onCompleted, flowing, $"round {round}");
            Assert.Equal(first + 1, (await WithoutContext(configured)).Offset);
            Assert.Equal(first, (await asTask).Offset);
            Assert.Equal(first + 2, (await OnContext(withContext)).Offset);
            Assert.Equal(($"round {round}", first + 3), await flowed);
        }
    }

    private static async Task<RecordPosition> WithoutContext(ValueTask<RecordPosition> append) => await append.ConfigureAwait(false);

    /// <summary>
    /// Registers a continuation on <paramref name="append"/> the way a custom awaiter does (flowing the execution
    /// context), with <paramref name="local"/> set to <paramref name="value"/> then changed: the continuation must see
    /// <paramref name="value"/>.
    /// </summary>
    private static Task<(string? Flowed, long Offset)> FlowsExecutionContext(ValueTask<RecordPosition> append, AsyncLocal<string> local, string value) => Task.Run(() =>
    {
        local.Value = value;
        var resumed = new TaskCompletionSource<(string? Flowed, long Offset)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var awaiter = append.GetAwaiter();
        awaiter.OnCompleted(() => resumed.SetResult((local.Value, awaiter.GetResult().Offset)));
        local.Value = "changed";
        return resumed.Task;
    });

    /// <summary>Awaits <paramref name="append"/> under a synchronization context of its own and checks the continuation ran there.</summary>
    private static Task<RecordPosition> OnContext(ValueTask<RecordPosition> append)
    {
        var context = new CountingContext();
        var result = new TaskCompletionSource<RecordPosition>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Post(
            async _ =>
            {
                var position = await append;
                if (SynchronizationContext.Current != context)
                {
                    result.SetException(new InvalidOperationException("The append's continuation left its synchronization context."));
                    return;
                }

                result.SetResult(position);
            },
            null);
        return result.Task;
    }

    /// <summary>
    /// Issues <paramref name="count"/> appends of <see cref="Key"/> i = <see cref="Value"/> i without awaiting any; every
    /// tenth a delete with <paramref name="deletes"/>, and a millisecond's pause every 250 with <paramref name="slowly"/>.
    /// </summary>
    private static ValueTask<RecordPosition>[] Issue(TopicLog topic, int count, bool deletes = false, bool slowly = false)
    {
        var pending = new ValueTask<RecordPosition>[count];
        for (var i = 0; i < count; i++)
        {
            pending[i] = deletes && i % 10 == 9 ? topic.DeleteAsync(Key(i)) : topic.PutAsync(Key(i), Value(i));
            if (slowly && i % 250 == 0)
            {
                Thread.Sleep(1);
            }
        }

        return pending;
    }

    private static byte[] Key(int i) => Encoding.UTF8.GetBytes($"key-{i:D5}");

    private static byte[] Value(int i) => Encoding.UTF8.GetBytes($"value of {i}, " + new string('x', i % 97));

    private StateLogOptions Options(Durability durability, long segmentBytes = 64 * 1024) =>
        new() { DataDirectory = _dir.Path, SegmentBytes = segmentBytes, Durability = durability, EnableCleaner = false };

    /// <summary>
    /// Options under which only the test's own calls start a write: a linger far longer than the test, a clock that
    /// never ticks (no periodic flush), and one segment for everything.
    /// </summary>
    private StateLogOptions Unprompted(Durability durability)
    {
        var options = Options(durability, segmentBytes: 64L * 1024 * 1024);
        options.AppendLinger = TimeSpan.FromHours(1);
        options.TimeProvider = new FakeTimeProvider();
        return options;
    }

    /// <summary>Runs posted work on the thread pool with itself as the current context.</summary>
    private sealed class CountingContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) => ThreadPool.QueueUserWorkItem(_ =>
        {
            SetSynchronizationContext(this);
            try
            {
                d(state);
            }
            finally
            {
                SetSynchronizationContext(null);
            }
        });
    }
}
