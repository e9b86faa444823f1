using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;

namespace StateLog.Diagnostics;

/// <summary>
/// The <c>StateLog</c> meter and the calls the engine makes into it. Instrument names follow OpenTelemetry's style;
/// every measurement carries <c>statelog.topic</c> and <c>statelog.partition</c>. Each entry point returns before
/// building tags when nothing listens, so an unobserved append costs a few field reads.
/// </summary>
internal static class StateLogInstruments
{
    public const string MeterName = "StateLog";
    public const string TopicTag = "statelog.topic";
    public const string PartitionTag = "statelog.partition";
    public const string CleanerResultTag = "statelog.cleaner.result";

    private static readonly Meter Meter = new(MeterName, typeof(StateLogInstruments).Assembly.GetName().Version?.ToString());

    // Fsynced appends take from tens of microseconds to tens of milliseconds; OpenTelemetry's default buckets start at 5 ms.
    private static readonly InstrumentAdvice<double> DurationAdvice = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    private static readonly Counter<long> Appends = Meter.CreateCounter<long>(
        "statelog.appends", "{record}", "Records appended, tombstones included.");

    private static readonly Histogram<double> AppendDuration = Meter.CreateHistogram(
        "statelog.append.duration", "s", "Time from an append batch's submission to its acknowledgement.", advice: DurationAdvice);

    private static readonly Counter<long> AppendBytes = Meter.CreateCounter<long>(
        "statelog.append.bytes", "By", "Bytes appended to partition logs, batch framing included.");

    private static readonly Counter<long> CleanerPasses = Meter.CreateCounter<long>(
        "statelog.cleaner.passes", "{pass}", "Cleaning passes over a partition, by result (succeeded or failed).");

    private static readonly Histogram<double> CleanerDuration = Meter.CreateHistogram(
        "statelog.cleaner.duration", "s", "Duration of a cleaning pass over a partition.", advice: DurationAdvice);

    private static readonly object[] BoxedPartitions = CreateBoxedPartitions(64);
    private static readonly Lock TrackedGate = new();
    private static StateLogEngine[] _tracked = [];

    static StateLogInstruments()
    {
        Meter.CreateObservableGauge("statelog.log.size", () => Observe(p => p.SizeInBytes), "By", "Bytes of a partition's segments.");
        Meter.CreateObservableGauge("statelog.live_keys", () => Observe(p => p.LiveKeys), "{key}", "Keys whose latest record is not a tombstone.");
    }

    /// <summary>The engines the gauges read now.</summary>
    public static IReadOnlyList<StateLogEngine> Tracked => Volatile.Read(ref _tracked);

    /// <summary>Records one acknowledged append batch of <paramref name="records"/> records and <paramref name="bytes"/> bytes.</summary>
    public static void RecordAppend(string topic, int partition, int records, long bytes, TimeSpan duration)
    {
        if (!(Appends.Enabled || AppendBytes.Enabled || AppendDuration.Enabled))
        {
            return;
        }

        var tags = PartitionTags(topic, partition);
        Appends.Add(records, tags);
        AppendBytes.Add(bytes, tags);
        AppendDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>Records one cleaning pass over a partition, forced or scheduled.</summary>
    public static void RecordCleanerPass(string topic, int partition, TimeSpan duration, bool succeeded)
    {
        if (!(CleanerPasses.Enabled || CleanerDuration.Enabled))
        {
            return;
        }

        var tags = PartitionTags(topic, partition);
        tags.Add(CleanerResultTag, succeeded ? "succeeded" : "failed");
        CleanerPasses.Add(1, tags);
        CleanerDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>Adds <paramref name="engine"/>'s partitions to the <c>statelog.log.size</c> and <c>statelog.live_keys</c> gauges. Tracking twice is harmless.</summary>
    public static void Track(StateLogEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        lock (TrackedGate)
        {
            if (Array.IndexOf(_tracked, engine) < 0)
            {
                _tracked = [.. _tracked, engine];
            }
        }
    }

    /// <summary>Removes <paramref name="engine"/> from the gauges; call before disposing it.</summary>
    public static void Untrack(StateLogEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        lock (TrackedGate)
        {
            _tracked = Array.FindAll(_tracked, e => !ReferenceEquals(e, engine));
        }
    }

    private static TagList PartitionTags(string topic, int partition) => new()
    {
        { TopicTag, topic },
        { PartitionTag, (uint)partition < (uint)BoxedPartitions.Length ? BoxedPartitions[partition] : partition },
    };

    private static List<Measurement<long>> Observe(Func<PartitionStats, long> value)
    {
        var measurements = new List<Measurement<long>>();
        foreach (var engine in Tracked)
        {
            try
            {
                foreach (var topic in engine.TopicNames)
                {
                    foreach (var partition in engine.GetTopic(topic).GetStats().Partitions)
                    {
                        measurements.Add(new Measurement<long>(value(partition), PartitionTags(topic, partition.Partition)));
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                // The engine was disposed between the snapshot and the read; its Untrack is on the way.
            }
        }

        return measurements;
    }

    private static object[] CreateBoxedPartitions(int count)
    {
        var boxed = new object[count];
        for (var i = 0; i < count; i++)
        {
            boxed[i] = i;
        }

        return boxed;
    }
}
