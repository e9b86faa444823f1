namespace StateLog.Storage;

/// <summary>Where the latest record of a key is: its offset, and its bytes in the segment that holds the offset.</summary>
/// <param name="Offset">The record's offset.</param>
/// <param name="Position">The record's position in its segment's <c>.log</c> file.</param>
/// <param name="Size">The record's encoded size, or -1 when the record is a tombstone.</param>
internal readonly record struct KeyLocation(long Offset, int Position, int Size)
{
    public bool IsTombstone => Size < 0;
}
