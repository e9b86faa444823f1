using System;
using StateLog.Storage;

namespace StateLog.Compaction;

/// <summary>
/// A swap step failed after it began. Readers and writers are unaffected (the in-memory segment list and key index
/// still describe the old segments, whose files stay open), but the folder is mid-swap until recovery at the next
/// open finishes or undoes it (reference §1.12), so the partition is not cleaned again until then.
/// </summary>
internal sealed class SwapInterruptedException(PartitionLog log, Exception cause)
    : StateLogException($"The cleaner's segment swap in partition {log.Partition} of topic '{log.Topic}' was interrupted ({cause.Message}); cleaning of this partition stops until the engine is reopened, whose recovery completes or undoes the swap.", cause);
