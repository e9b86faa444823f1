namespace StateLog.Storage.Records;

/// <summary>A Kafka record header: a UTF-8 key and a nullable value.</summary>
internal readonly record struct RecordHeader(string Key, byte[]? Value);
