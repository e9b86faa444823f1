using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace StateLog;

/// <summary>
/// The embedded log: a data directory of Kafka-format partition folders, a group-committing writer per partition,
/// and a background cleaner. Open one per data directory; it is safe to share across threads.
/// </summary>
public sealed class StateLogEngine : IDisposable, IAsyncDisposable
{
    private StateLogEngine() => throw new NotImplementedException();

    /// <summary>Opens (creating if needed) and recovers the data directory named by <paramref name="options"/>.</summary>
    /// <exception cref="DataDirectoryLockedException">Another engine holds the directory.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static StateLogEngine Open(StateLogOptions options) => throw new NotImplementedException();

    /// <summary>The full path of the data directory.</summary>
    public string DataDirectory => throw new NotImplementedException();

    /// <summary>Opens or creates a topic.</summary>
    /// <param name="name">The topic name (Kafka's rule).</param>
    /// <param name="partitions">The partition count; <see langword="null"/> uses the recorded count, or 1 for a new topic.</param>
    /// <exception cref="InvalidTopicNameException">The name breaks the rule; nothing was created.</exception>
    /// <exception cref="TopicConfigurationMismatchException">The topic exists with another partition count.</exception>
    public TopicLog GetTopic(string name, int? partitions = null) => throw new NotImplementedException();

    /// <summary>The topics opened so far, and those found on disk.</summary>
    public IReadOnlyCollection<string> TopicNames => throw new NotImplementedException();

    /// <summary>Returns when every write acknowledged so far, in every topic, is fsynced.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Flushes, writes the clean-shutdown marker and releases the directory.</summary>
    public ValueTask DisposeAsync() => throw new NotImplementedException();

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => throw new NotImplementedException();
}
