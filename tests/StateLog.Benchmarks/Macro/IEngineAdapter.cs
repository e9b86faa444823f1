using System;
using System.Threading.Tasks;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// One store under test. The child process drives every adapter through the same phases; an adapter uses its
/// store's natural API for each (its batch write, its compaction, its iterator) and says how in <see cref="Configuration"/>.
/// <see cref="IAsyncDisposable.DisposeAsync"/> is the store's clean shutdown, releasing every file.
/// </summary>
internal interface IEngineAdapter : IAsyncDisposable
{
    /// <summary>One line: the settings used and what "sync" and "compact" mean for this engine.</summary>
    string Configuration { get; }

    /// <summary>Opens the store in <paramref name="directory"/>, creating it when empty.</summary>
    ValueTask OpenAsync(string directory);

    /// <summary>Writes updates <paramref name="start"/>..start+count-1 of <paramref name="workload"/> as one batch; durable on return when <paramref name="sync"/>.</summary>
    ValueTask WriteAsync(Workload workload, int start, int count, bool sync);

    /// <summary>Makes everything written so far durable (the one fsync of the buffered ingest).</summary>
    ValueTask SyncAsync();

    /// <summary>Compacts until only the latest record of each key is left, or as close as the engine gets, durably.</summary>
    ValueTask CompactAsync();

    /// <summary>Hands the latest value of every live key to <paramref name="sink"/>, in whatever order the engine keeps them.</summary>
    ValueTask ScanAsync(IScanSink sink);

    /// <summary>The latest value of <paramref name="key"/>, or <see langword="null"/>.</summary>
    ValueTask<byte[]?> GetAsync(byte[] key);
}
