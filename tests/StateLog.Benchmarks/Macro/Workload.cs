using System;
using System.Buffers.Text;
using System.Text;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// The records of one run, made before any timing starts: keys <c>user-&lt;id&gt;</c>, the key of every update and
/// point read, and values sliced from one random pool (incompressible, no generation cost inside the timed loops,
/// and the latest value of any key can be recomputed for checking).
/// </summary>
internal sealed class Workload
{
    private const int PoolBytes = 1 << 20;
    private const string KeyPrefix = "user-";

    private readonly byte[][] _keys;
    private readonly int[] _updates;
    private readonly int[] _reads;
    private readonly int[] _latestUpdate;
    private readonly byte[] _pool;

    public Workload(MacroParameters parameters)
    {
        Parameters = parameters;
        _keys = new byte[parameters.Keys][];
        for (var id = 0; id < _keys.Length; id++)
        {
            _keys[id] = Encoding.UTF8.GetBytes(KeyPrefix + id);
        }

        var random = new Random(parameters.Seed);
        _pool = new byte[PoolBytes + parameters.ValueBytes];
        random.NextBytes(_pool);

        // Hot ranks map to scattered ids, so a key-ordered store gains nothing from the hot keys being neighbours.
        var idOfRank = new int[parameters.Keys];
        for (var i = 0; i < idOfRank.Length; i++)
        {
            idOfRank[i] = i;
        }

        random.Shuffle(idOfRank);
        _updates = Draw(parameters, idOfRank, parameters.Updates, parameters.Seed + 1);
        _reads = Draw(parameters, idOfRank, parameters.PointReads, parameters.Seed + 2);

        _latestUpdate = new int[parameters.Keys];
        Array.Fill(_latestUpdate, -1);
        for (var i = 0; i < _updates.Length; i++)
        {
            _latestUpdate[_updates[i]] = i;
        }

        foreach (var latest in _latestUpdate)
        {
            if (latest >= 0)
            {
                LiveKeys++;
                LiveBytes += _keys[_updates[latest]].Length + parameters.ValueBytes;
            }
        }
    }

    public MacroParameters Parameters { get; }

    public int UpdateCount => _updates.Length;

    public int ReadCount => _reads.Length;

    /// <summary>Keys written at least once.</summary>
    public long LiveKeys { get; }

    /// <summary>Key plus value bytes of the latest record of every live key: the floor of any store's size.</summary>
    public long LiveBytes { get; }

    /// <summary>Key plus value bytes of all updates.</summary>
    public long PayloadBytes
    {
        get
        {
            long total = 0;
            foreach (var id in _updates)
            {
                total += _keys[id].Length + Parameters.ValueBytes;
            }

            return total;
        }
    }

    public byte[] UpdateKey(int update) => _keys[_updates[update]];

    /// <summary>The key id of update <paramref name="update"/>.</summary>
    public int UpdateKeyId(int update) => _updates[update];

    public ReadOnlyMemory<byte> UpdateValue(int update) => _pool.AsMemory(PoolOffset(update), Parameters.ValueBytes);

    /// <summary>The key id of point read <paramref name="read"/>.</summary>
    public int ReadId(int read) => _reads[read];

    public byte[] Key(int id) => _keys[id];

    /// <summary>Whether <paramref name="value"/> is the latest value of key <paramref name="id"/>; a key never written must be not <paramref name="found"/>.</summary>
    public bool IsLatest(int id, ReadOnlySpan<byte> value, bool found)
    {
        var latest = _latestUpdate[id];
        if (latest < 0)
        {
            return !found;
        }

        return found && value.SequenceEqual(_pool.AsSpan(PoolOffset(latest), Parameters.ValueBytes));
    }

    private int PoolOffset(int update) => (int)((uint)update * 2654435761u % PoolBytes);

    /// <summary>The id of a <c>user-&lt;id&gt;</c> key of this workload.</summary>
    public bool TryParseId(ReadOnlySpan<byte> key, out int id)
    {
        id = -1;
        return key.StartsWith("user-"u8)
            && Utf8Parser.TryParse(key[KeyPrefix.Length..], out id, out var consumed)
            && consumed == key.Length - KeyPrefix.Length
            && (uint)id < (uint)_keys.Length;
    }

    private static int[] Draw(MacroParameters parameters, int[] idOfRank, int count, int seed)
    {
        var result = new int[count];
        if (parameters.Distribution == KeyDistribution.Zipf)
        {
            var zipf = new ZipfSampler(parameters.Keys, MacroParameters.ZipfTheta, seed);
            for (var i = 0; i < count; i++)
            {
                result[i] = idOfRank[zipf.Next()];
            }
        }
        else
        {
            var random = new Random(seed);
            for (var i = 0; i < count; i++)
            {
                result[i] = random.Next(parameters.Keys);
            }
        }

        return result;
    }
}
