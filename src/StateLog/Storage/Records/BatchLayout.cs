namespace StateLog.Storage.Records;

/// <summary>Field positions and flags of Kafka's RecordBatch v2 (magic 2), big-endian (reference §3.3).</summary>
internal static class BatchLayout
{
    public const int BaseOffset = 0;
    public const int Length = 8;
    public const int PartitionLeaderEpoch = 12;
    public const int Magic = 16;
    public const int Crc = 17;
    public const int Attributes = 21;
    public const int LastOffsetDelta = 23;
    public const int BaseTimestamp = 27;
    public const int MaxTimestamp = 35;
    public const int ProducerId = 43;
    public const int ProducerEpoch = 51;
    public const int BaseSequence = 53;
    public const int RecordsCount = 57;
    public const int Records = 61;

    /// <summary>BaseOffset and Length: what a reader parses first to find the next batch (Kafka's LOG_OVERHEAD).</summary>
    public const int LogOverhead = 12;

    /// <summary>The fixed header; a batch is at least this long.</summary>
    public const int HeaderSize = Records;

    public const byte CurrentMagic = 2;

    public const short CompressionMask = 0x07;
    public const short TimestampTypeFlag = 0x08;
    public const short TransactionalFlag = 0x10;
    public const short ControlFlag = 0x20;

    /// <summary>Bit 6: BaseTimestamp holds the tombstone delete horizon (KIP-534).</summary>
    public const short DeleteHorizonFlag = 0x40;

    /// <summary>The most a record adds around its key, value and headers (Kafka's MAX_RECORD_OVERHEAD).</summary>
    public const int MaxRecordOverhead = 21;

    /// <summary>What is wrong with a batch whose length field says <paramref name="length"/>, or null: the checks a reader makes before reading the batch.</summary>
    public static string? LengthProblem(int length, long maxBatchBytes)
    {
        var total = (long)length + LogOverhead;
        return length < HeaderSize - LogOverhead ? $"a batch length of {length} is below the {HeaderSize - LogOverhead}-byte minimum"
            : total > maxBatchBytes ? $"a batch declares {total} bytes, more than the {maxBatchBytes} any batch may have"
            : null;
    }
}
