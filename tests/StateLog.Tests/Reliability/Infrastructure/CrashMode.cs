namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>What a simulated power loss keeps of the unsynced state (reliability.md §9.0, after RocksDB and ALICE).</summary>
public enum CrashMode
{
    /// <summary>Only fsynced file data and fsynced folder entries survive.</summary>
    DropAllUnsynced,

    /// <summary>Each file keeps a random prefix of its unsynced writes; folder operations survive.</summary>
    DropRandomUnsyncedSuffix,

    /// <summary>File data survives, but creations, renames and deletions since the folder's last fsync are undone.</summary>
    RevertDirOpsSinceDirSync,

    /// <summary>Everything survives except the last write, of which only a random prefix reaches the disk.</summary>
    TornLastWrite,

    /// <summary>Files keep their size, but every unsynced byte is junk or zeros (SQLite's no-safe-append assumption).</summary>
    GarbageGrow,
}
