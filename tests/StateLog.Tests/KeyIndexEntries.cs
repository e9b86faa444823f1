using System;
using System.Collections.Generic;
using StateLog.Storage;

namespace StateLog.Tests;

/// <summary>The key index's entries as a list, for assertions (the engine walks them with <see cref="KeyIndex.Walk"/>).</summary>
internal static class KeyIndexEntries
{
    /// <summary>Every entry of <paramref name="keys"/>, copied out under its gate.</summary>
    public static List<KeyValuePair<UInt128, KeyLocation>> Entries(this KeyIndex keys)
    {
        lock (keys.Gate)
        {
            var entries = new List<KeyValuePair<UInt128, KeyLocation>>(keys.Count);
            foreach (var (hash, location) in keys.Walk())
            {
                entries.Add(new(hash, location));
            }

            return entries;
        }
    }
}
