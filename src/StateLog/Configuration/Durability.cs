namespace StateLog;

/// <summary>When an append is acknowledged.</summary>
public enum Durability
{
    /// <summary>
    /// After the bytes are fsynced. Concurrent appends to a partition share one write and one fsync (group commit).
    /// An acknowledged record survives a crash or power loss.
    /// </summary>
    Fsync = 0,

    /// <summary>
    /// After the operating system accepted the write; data is fsynced every <see cref="StateLogOptions.FlushInterval"/>
    /// and on <c>FlushAsync</c>. A process crash loses nothing; a power loss can lose the last interval.
    /// </summary>
    Buffered = 1,
}
