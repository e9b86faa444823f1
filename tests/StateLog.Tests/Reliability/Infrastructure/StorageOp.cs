namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>The operations <see cref="FaultStorage"/> counts, traces and can fail.</summary>
public enum StorageOp
{
    Open,
    Create,
    Write,
    Sync,
    SetLength,
    Rename,
    Delete,
    SyncDirectory,
    CreateDirectory,
}
