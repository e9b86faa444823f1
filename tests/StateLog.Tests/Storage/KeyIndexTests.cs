using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using StateLog.Storage;

namespace StateLog.Tests.Storage;

/// <summary>
/// The key index is an open-addressing table of its own; CsCheck runs random sets and removes against a
/// <see cref="Dictionary{TKey,TValue}"/> model, over hashes chosen to collide in their home slots (long probe runs,
/// runs wrapping past the table's end, backward shifts on remove) and including the all-zero hash that marks empty slots.
/// </summary>
public sealed class KeyIndexTests
{
    private static readonly UInt128[] Hashes = Enumerable.Range(0, 48).Select(Candidate).ToArray();

    private static readonly Gen<(int Kind, int Key, long Offset, bool Tombstone)[]> Operations =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, Hashes.Length - 1], Gen.Long[0, 50], Gen.Bool).Array[1, 400];

    [Fact]
    public void RandomSetsAndRemoves_MatchADictionary()
    {
        Operations.Sample(operations =>
        {
            var index = new KeyIndex();
            var model = new Dictionary<UInt128, KeyLocation>();
            foreach (var (kind, key, offset, tombstone) in operations)
            {
                var hash = Hashes[key];
                if (kind == 0)
                {
                    index.Remove(hash);
                    model.Remove(hash);
                    continue;
                }

                var location = new KeyLocation(offset, (int)offset * 10, tombstone ? -1 : 100 + key, (uint)key);
                index.Set(hash, location);
                if (!model.TryGetValue(hash, out var old) || old.Offset <= offset)
                {
                    model[hash] = location;
                }
            }

            Assert.Equal(model.Count, index.Count);
            Assert.Equal(model.Values.Count(l => !l.IsTombstone), index.LiveKeys);
            foreach (var hash in Hashes)
            {
                Assert.Equal(model.TryGetValue(hash, out var expected), index.TryGet(hash, out var actual));
                Assert.Equal(expected, actual);

                // With no writer running, the unsynchronised probe agrees (the all-zero hash it leaves to the locked path).
                var found = index.TryGetUnsynchronized(hash, out var unsynchronized);
                Assert.Equal(hash != UInt128.Zero && model.ContainsKey(hash), found);
                Assert.Equal(found ? expected : default, unsynchronized);
            }

            Assert.Equal(model.OrderBy(e => e.Key).ToArray(), index.Entries().OrderBy(e => e.Key).ToArray());
            Assert.Equal(model.Values.OrderBy(l => l.Offset).ThenBy(l => l.Checksum), index.Entries().Select(e => e.Value).OrderBy(l => l.Offset).ThenBy(l => l.Checksum));
        });
    }

    [Fact]
    public void EnsureCapacity_KeepsEveryEntry_AndLaterSetsFitWithoutGrowing()
    {
        var hashes = Hashes.Distinct().ToArray(); // some candidates repeat on purpose
        var index = new KeyIndex();
        for (var i = 0; i < hashes.Length / 2; i++)
        {
            index.Set(hashes[i], new KeyLocation(i, i * 10, 10, (uint)i));
        }

        index.EnsureCapacity(10_000);
        index.EnsureCapacity(5); // smaller than what it holds: a no-op
        for (var i = hashes.Length / 2; i < hashes.Length; i++)
        {
            index.Set(hashes[i], new KeyLocation(i, i * 10, 10, (uint)i));
        }

        Assert.Equal(hashes.Length, index.Count);
        for (var i = 0; i < hashes.Length; i++)
        {
            Assert.True(index.TryGet(hashes[i], out var location));
            Assert.Equal(i, location.Offset);
        }
    }

    [Fact]
    public void Clear_EmptiesEverything_AndTheIndexStaysUsable()
    {
        var index = new KeyIndex();
        foreach (var hash in Hashes)
        {
            index.Set(hash, new KeyLocation(1, 0, 10, 0));
        }

        index.Clear();
        Assert.Equal(0, index.Count);
        Assert.Equal(0, index.LiveKeys);
        Assert.Empty(index.Entries());
        Assert.All(Hashes, h => Assert.False(index.TryGet(h, out _)));

        index.Set(Hashes[3], new KeyLocation(2, 0, 10, 0));
        Assert.True(index.TryGet(Hashes[3], out var location));
        Assert.Equal(2, location.Offset);
    }

    [Fact]
    public void ManyKeys_SpanningManyChunks_MatchADictionary_ThroughGrowthRemovesAndWraps()
    {
        // Tens of thousands of keys: the table grows through many chunks of slots, and the keys whose home is the last
        // slot (low word all ones) wrap their probe runs from the last chunk into the first.
        var random = new Random(11);
        var hashes = Enumerable.Range(0, 30_000)
            .Select(i => i % 500 == 0 ? new UInt128((ulong)i + 1, ulong.MaxValue) : new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()))
            .ToArray();
        var index = new KeyIndex();
        var model = new Dictionary<UInt128, KeyLocation>();
        for (var i = 0; i < hashes.Length; i++)
        {
            var location = new KeyLocation(i, i, 100, (uint)i);
            index.Set(hashes[i], location);
            model[hashes[i]] = location;
            if (i % 3 == 0)
            {
                var gone = hashes[random.Next(i + 1)];
                index.Remove(gone);
                model.Remove(gone);
            }
        }

        Assert.Equal(model.Count, index.Count);
        foreach (var hash in hashes)
        {
            Assert.Equal(model.TryGetValue(hash, out var expected), index.TryGet(hash, out var actual));
            Assert.Equal(expected, actual);
            Assert.Equal(model.ContainsKey(hash), index.TryGetUnsynchronized(hash, out var unsynchronized));
            Assert.Equal(expected, unsynchronized);
        }

        Assert.Equal(model.OrderBy(e => e.Key).ToArray(), index.Entries().OrderBy(e => e.Key).ToArray());
    }

    /// <summary>
    /// Hash 0 is the all-zero hash. The others share a few low words, so a few home slots (the low word picks it): the
    /// first slot, a quarter-way ones, and the last, whose probe runs wrap past the end; many differ only in the high word.
    /// </summary>
    private static UInt128 Candidate(int i)
    {
        if (i == 0)
        {
            return UInt128.Zero;
        }

        var low = (i % 3) switch
        {
            0 => ulong.MaxValue - (ulong)(i % 4),
            1 => (ulong)(i % 4) << 62,
            _ => (ulong)(i % 4),
        };
        return new UInt128(((ulong)(i % 5) << 61) | 1, low);
    }
}
