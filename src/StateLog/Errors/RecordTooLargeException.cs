namespace StateLog;

/// <summary>A record is larger than the topic's <see cref="StateLogOptions.MaxRecordBytes"/>. Nothing was written.</summary>
public sealed class RecordTooLargeException : StateLogException
{
    /// <summary>Creates the exception.</summary>
    public RecordTooLargeException(string topic, long recordBytes, int maxRecordBytes)
        : base($"A record of {recordBytes} bytes for topic '{topic}' exceeds MaxRecordBytes ({maxRecordBytes}); nothing was written. Raise StateLogOptions.MaxRecordBytes or store less per key.")
    {
        Topic = topic;
        RecordBytes = recordBytes;
        MaxRecordBytes = maxRecordBytes;
    }

    /// <summary>The topic written to.</summary>
    public string Topic { get; }

    /// <summary>The size of the rejected record, framing included.</summary>
    public long RecordBytes { get; }

    /// <summary>The limit in force.</summary>
    public int MaxRecordBytes { get; }
}
