using System;
using System.Collections.Generic;

namespace StateLog.Configuration;

/// <summary>The effective, validated settings of one topic: engine-wide options merged with its overrides.</summary>
internal sealed record TopicConfig(
    long SegmentBytes,
    TimeSpan SegmentMaxAge,
    int MaxRecordBytes,
    int IndexIntervalBytes,
    double MinCleanableDirtyRatio,
    TimeSpan MinCompactionLag,
    TimeSpan? MaxCompactionLag,
    TimeSpan DeleteRetention,
    TimeSpan FileDeleteDelay)
{
    /// <summary>A segment's relative offsets and file positions are 32-bit in Kafka's index formats.</summary>
    public const long MaxSegmentBytes = int.MaxValue;

    public static TopicConfig Resolve(StateLogOptions options, string topic)
    {
        options.TopicOverrides.TryGetValue(topic, out var o);
        return new TopicConfig(
            o?.SegmentBytes ?? options.SegmentBytes,
            o?.SegmentMaxAge ?? options.SegmentMaxAge,
            o?.MaxRecordBytes ?? options.MaxRecordBytes,
            o?.IndexIntervalBytes ?? options.IndexIntervalBytes,
            o?.MinCleanableDirtyRatio ?? options.MinCleanableDirtyRatio,
            o?.MinCompactionLag ?? options.MinCompactionLag,
            o?.MaxCompactionLag ?? options.MaxCompactionLag,
            o?.DeleteRetention ?? options.DeleteRetention,
            o?.FileDeleteDelay ?? options.FileDeleteDelay);
    }

    /// <summary>Every problem with these settings, each naming the option (prefixed with <paramref name="scope"/>).</summary>
    public IEnumerable<string> Problems(string scope)
    {
        if (SegmentBytes < 1024 || SegmentBytes > MaxSegmentBytes)
        {
            yield return $"{scope}SegmentBytes must be between 1024 and {MaxSegmentBytes} bytes, but is {SegmentBytes}.";
        }

        if (SegmentMaxAge <= TimeSpan.Zero)
        {
            yield return $"{scope}SegmentMaxAge must be positive, but is {SegmentMaxAge}.";
        }

        if (MaxRecordBytes < 64)
        {
            yield return $"{scope}MaxRecordBytes must be at least 64 bytes, but is {MaxRecordBytes}.";
        }

        if (IndexIntervalBytes < 0)
        {
            yield return $"{scope}IndexIntervalBytes must not be negative, but is {IndexIntervalBytes}.";
        }

        if (double.IsNaN(MinCleanableDirtyRatio) || MinCleanableDirtyRatio < 0 || MinCleanableDirtyRatio > 1)
        {
            yield return $"{scope}MinCleanableDirtyRatio must be between 0 and 1, but is {MinCleanableDirtyRatio}.";
        }

        if (MinCompactionLag < TimeSpan.Zero)
        {
            yield return $"{scope}MinCompactionLag must not be negative, but is {MinCompactionLag}.";
        }

        if (MaxCompactionLag is { } max)
        {
            if (max <= TimeSpan.Zero)
            {
                yield return $"{scope}MaxCompactionLag must be positive, but is {max}.";
            }
            else if (max < MinCompactionLag)
            {
                yield return $"{scope}MinCompactionLag ({MinCompactionLag}) must not exceed MaxCompactionLag ({max}).";
            }
        }

        if (DeleteRetention < TimeSpan.Zero)
        {
            yield return $"{scope}DeleteRetention must not be negative, but is {DeleteRetention}.";
        }

        if (FileDeleteDelay < TimeSpan.Zero)
        {
            yield return $"{scope}FileDeleteDelay must not be negative, but is {FileDeleteDelay}.";
        }
    }
}
