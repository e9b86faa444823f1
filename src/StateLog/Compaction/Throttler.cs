using System;
using System.Threading;
using System.Threading.Tasks;

namespace StateLog.Compaction;

/// <summary>
/// Kafka's cleaner I/O throttle (<c>log.cleaner.io.max.bytes.per.second</c>): bytes read and written are counted, and
/// once a check interval's worth of time or of budget has gone by, the cleaner sleeps long enough to bring the average
/// back to the limit. One throttle serves every pass of the engine, and like Kafka's it sleeps holding its turn, so
/// passes running at once (the background cleaner's, a <c>CompactAsync</c>'s several partitions and copy threads)
/// share the limit instead of each getting it whole. Time and sleeps come from the <see cref="TimeProvider"/>, so
/// tests drive it with a fake clock.
/// </summary>
internal sealed class Throttler
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(300);

    private readonly long? _bytesPerSecond;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private long _periodStart;
    private long _observed;

    public Throttler(long? bytesPerSecond, TimeProvider time)
    {
        _bytesPerSecond = bytesPerSecond;
        _time = time;
        _periodStart = time.GetTimestamp();
    }

    /// <summary>Total time slept so far (a sleep counts once its timer is set, whether or not a cancellation cuts it short).</summary>
    public TimeSpan Slept { get; private set; }

    /// <summary>Bytes counted so far (only when there is a limit).</summary>
    public long Counted { get; private set; }

    /// <summary>Counts <paramref name="bytes"/> of cleaner I/O and sleeps when the average is above the limit.</summary>
    public void MaybeThrottle(long bytes, CancellationToken cancellationToken)
    {
        if (_bytesPerSecond is not { } rate || bytes <= 0)
        {
            return;
        }

        _turn.Wait(cancellationToken);
        try
        {
            _observed += bytes;
            Counted += bytes;
            var elapsed = _time.GetElapsedTime(_periodStart);
            if (elapsed < CheckInterval && _observed < rate * CheckInterval.TotalSeconds)
            {
                return;
            }

            var sleep = TimeSpan.FromSeconds((double)_observed / rate) - elapsed;
            _observed = 0;
            if (sleep > TimeSpan.Zero)
            {
                var delay = Task.Delay(sleep, _time, cancellationToken); // its timer exists before Slept shows the sleep
                Slept += sleep;
                delay.GetAwaiter().GetResult();
            }

            _periodStart = _time.GetTimestamp();
        }
        finally
        {
            _turn.Release();
        }
    }
}
