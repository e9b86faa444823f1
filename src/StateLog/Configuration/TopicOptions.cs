using System;

namespace StateLog;

/// <summary>
/// Per-topic overrides of the engine-wide settings in <see cref="StateLogOptions"/>; a <see langword="null"/>
/// property inherits the engine-wide value. Set through <see cref="StateLogOptions.Topic(string, Action{TopicOptions})"/>.
/// </summary>
public sealed class TopicOptions
{
    /// <inheritdoc cref="StateLogOptions.SegmentBytes"/>
    public long? SegmentBytes { get; set; }

    /// <inheritdoc cref="StateLogOptions.SegmentMaxAge"/>
    public TimeSpan? SegmentMaxAge { get; set; }

    /// <inheritdoc cref="StateLogOptions.MaxRecordBytes"/>
    public int? MaxRecordBytes { get; set; }

    /// <inheritdoc cref="StateLogOptions.IndexIntervalBytes"/>
    public int? IndexIntervalBytes { get; set; }

    /// <inheritdoc cref="StateLogOptions.MinCleanableDirtyRatio"/>
    public double? MinCleanableDirtyRatio { get; set; }

    /// <inheritdoc cref="StateLogOptions.MinCompactionLag"/>
    public TimeSpan? MinCompactionLag { get; set; }

    /// <inheritdoc cref="StateLogOptions.MaxCompactionLag"/>
    public TimeSpan? MaxCompactionLag { get; set; }

    /// <inheritdoc cref="StateLogOptions.DeleteRetention"/>
    public TimeSpan? DeleteRetention { get; set; }

    /// <inheritdoc cref="StateLogOptions.FileDeleteDelay"/>
    public TimeSpan? FileDeleteDelay { get; set; }
}
