using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using StateLog.Compaction;

namespace StateLog.Tests.Compaction;

/// <summary>The cleaner's I/O throttle is one limit for all the passes that run at once, as Kafka's throttler sleeps under its lock.</summary>
public sealed class ThrottlerTests
{
    [Fact]
    public async Task TwoPassesThrottledAtOnce_ShareTheLimit()
    {
        // 600 bytes at 1,000 bytes a second: the first pass sleeps 0.6 s; the second's 600 bytes take 0.6 s more.
        var (time, throttler, first) = FirstPassAsleep();
        var second = Task.Run(() => throttler.MaybeThrottle(600, CancellationToken.None));

        // Whether the second has reached the throttle or not, 0.6 s of clock must not let both through.
        SpinWait.SpinUntil(() => throttler.Slept >= TimeSpan.FromSeconds(1.2), TimeSpan.FromMilliseconds(200));
        time.Advance(TimeSpan.FromSeconds(0.6));
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(200);
        Assert.False(second.IsCompleted, "1,200 bytes went through in 0.6 s at a limit of 1,000 bytes a second");

        Assert.True(SpinWait.SpinUntil(() => throttler.Slept >= TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(30)));
        time.Advance(TimeSpan.FromSeconds(0.6));
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1200, throttler.Counted);
        Assert.Equal(TimeSpan.FromSeconds(1.2), throttler.Slept);
    }

    [Fact]
    public async Task APassWaitingForItsTurn_StopsWhenCancelled()
    {
        var (time, throttler, first) = FirstPassAsleep();
        using var cancel = new CancellationTokenSource();
        var second = Task.Run(() => throttler.MaybeThrottle(600, cancel.Token));
        await Task.Delay(100); // most likely waiting for its turn by now: the wait itself must stop
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(TimeSpan.FromSeconds(30)));
        time.Advance(TimeSpan.FromSeconds(0.6));
        await first.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A throttle of 1,000 bytes a second on a still clock, and a pass that has counted 600 bytes and is sleeping them off.</summary>
    private static (FakeTimeProvider Time, Throttler Throttler, Task First) FirstPassAsleep()
    {
        var time = new FakeTimeProvider();
        var throttler = new Throttler(1000, time);
        var first = Task.Run(() => throttler.MaybeThrottle(600, CancellationToken.None));
        Assert.True(SpinWait.SpinUntil(() => throttler.Slept > TimeSpan.Zero, TimeSpan.FromSeconds(30)));
        return (time, throttler, first);
    }
}
