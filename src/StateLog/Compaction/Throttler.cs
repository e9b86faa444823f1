using System;
using System.Threading;
using System.Threading.Tasks;

namespace StateLog.Compaction;

/// <summary>
/// Kafka's cleaner I/O throttle (<c>log.cleaner.io.max.bytes.per.second</c>): bytes read and written are counted, and
/// once a check interval's worth of time or of budget has gone by, the cleaner sleeps long enough to bring the average
/// back to the limit. Time and sleeps come from the <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed class Throttler
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(300);

    private readonly long? _bytesPerSecond;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private long _periodStart;
    private long _observed;

    public Throttler(long? bytesPerSecond, TimeProvider time)
    {
        _bytesPerSecond = bytesPerSecond;
        _time = time;
        _periodStart = time.GetTimestamp();
    }

    /// <summary>Total time slept so far.</summary>
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

        TimeSpan sleep;
        lock (_gate)
        {
            _observed += bytes;
            Counted += bytes;
            var elapsed = _time.GetElapsedTime(_periodStart);
            if (elapsed < CheckInterval && _observed < rate * CheckInterval.TotalSeconds)
            {
                return;
            }

            sleep = TimeSpan.FromSeconds((double)_observed / rate) - elapsed;
            _observed = 0;
            if (sleep <= TimeSpan.Zero)
            {
                _periodStart = _time.GetTimestamp();
                return;
            }

            Slept += sleep;
        }

        Task.Delay(sleep, _time, cancellationToken).GetAwaiter().GetResult();
        lock (_gate)
        {
            _periodStart = _time.GetTimestamp();
        }
    }
}
