using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>
/// The expected state of one topic (RocksDB's expected-state oracle, Jepsen's buckets): per partition the records
/// known to be on disk since the last check, plus the appends attempted since, each marked once acknowledged.
/// After a crash the recovered log must be the known records followed by a prefix of the attempts (no hole) that
/// includes every acknowledged attempt.
/// </summary>
internal sealed class LogOracle(int partitions)
{
    private readonly List<ModelRecord>[] _known = Enumerable.Range(0, partitions).Select(_ => new List<ModelRecord>()).ToArray();
    private readonly List<(ModelRecord Record, bool Acked)>[] _attempts = Enumerable.Range(0, partitions).Select(_ => new List<(ModelRecord, bool)>()).ToArray();
    private readonly long[] _endAtCheck = new long[partitions];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    /// <summary>A deep copy, so that several crash images of one run can each be checked against the same expectations.</summary>
    public LogOracle Clone()
    {
        var copy = new LogOracle(_known.Length);
        for (var p = 0; p < _known.Length; p++)
        {
            copy._known[p] = [.. _known[p]];
            copy._attempts[p].AddRange(_attempts[p]);
            copy._endAtCheck[p] = _endAtCheck[p];
        }

        copy._keys.UnionWith(_keys);
        return copy;
    }

    /// <summary>The records known to be in each partition after the last check.</summary>
    public IReadOnlyList<ModelRecord> Known(int partition) => _known[partition];

    /// <summary>Acknowledged records checked present over all checks.</summary>
    public long AckedChecked { get; private set; }

    /// <summary>Attempted but unacknowledged records found after a crash (allowed: "recovered").</summary>
    public long InFlightRecovered { get; private set; }

    /// <summary>Attempted records missing after a crash (allowed only when unacknowledged).</summary>
    public long UnackedLost { get; private set; }

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Notes an append about to be made; returns its slot for <see cref="Acked"/>.</summary>
    public int Attempt(int partition, string key, string? value)
    {
        _keys.Add(key);
        var list = _attempts[partition];
        list.Add((new ModelRecord(_endAtCheck[partition] + list.Count, key, value), false));
        return list.Count - 1;
    }

    /// <summary>Notes the acknowledgement of an attempt; returns a problem if the offset is not the expected one.</summary>
    public string? Acked(int partition, int slot, long offset)
    {
        var (record, _) = _attempts[partition][slot];
        _attempts[partition][slot] = (record, true);
        return offset == record.Offset ? null : $"partition {partition}: {record} was acknowledged at offset {offset}";
    }

    /// <summary>Drops the last attempt of a partition: the engine said that nothing of it was kept, so it must never appear.</summary>
    public void Forget(int partition, int slot)
    {
        var list = _attempts[partition];
        if (slot != list.Count - 1)
        {
            throw new InvalidOperationException("only the last attempt can be forgotten");
        }

        list.RemoveAt(slot);
    }

    /// <summary>Checks a reopened topic against the model, then adopts what was recovered as known. Returns the problems.</summary>
    public async Task<List<string>> CheckAndAdoptAsync(TopicLog topic)
    {
        var problems = new List<string>();
        var recovered = Enumerable.Range(0, _known.Length).Select(_ => new List<ModelRecord>()).ToArray();
        await foreach (var r in topic.ReadAsync())
        {
            recovered[r.Partition].Add(new ModelRecord(r.Offset, Encoding.UTF8.GetString(r.Key.Span), r.Value is { } v ? Encoding.UTF8.GetString(v.Span) : null));
        }

        for (var p = 0; p < _known.Length; p++)
        {
            CheckPartition(p, recovered[p], problems);
            _known[p] = recovered[p];
            _attempts[p].Clear();
            _endAtCheck[p] = topic.GetStats().Partitions[p].LogEndOffset;
        }

        foreach (var key in _keys)
        {
            var partition = topic.PartitionFor(Bytes(key));
            var expected = recovered[partition].LastOrDefault(r => r.Key == key)?.Value;
            var actual = await topic.GetAsync(Bytes(key));
            var actualText = actual is null ? null : Encoding.UTF8.GetString(actual);
            if (actualText != expected)
            {
                problems.Add($"partition {partition}: the latest value of '{key}' is '{actualText ?? "<none>"}' but the log's latest record says '{expected ?? "<none>"}'");
            }
        }

        return problems;
    }

    private void CheckPartition(int p, List<ModelRecord> recovered, List<string> problems)
    {
        var known = _known[p];
        var attempts = _attempts[p];
        for (var i = 0; i < recovered.Count - 1; i++)
        {
            if (recovered[i + 1].Offset <= recovered[i].Offset)
            {
                problems.Add($"partition {p}: offsets go from {recovered[i].Offset} to {recovered[i + 1].Offset}");
            }
        }

        if (recovered.Count < known.Count || !recovered.Take(known.Count).SequenceEqual(known))
        {
            var at = Enumerable.Range(0, known.Count).FirstOrDefault(i => i >= recovered.Count || recovered[i] != known[i], known.Count);
            problems.Add($"partition {p}: a record known durable was lost or changed: expected {(at < known.Count ? known[at] : null)}, found {(at < recovered.Count ? recovered[at] : null)} (lost = {Math.Max(0, known.Count - recovered.Count)})");
            return;
        }

        var rest = recovered.Skip(known.Count).ToList();
        for (var i = 0; i < rest.Count; i++)
        {
            if (i >= attempts.Count)
            {
                problems.Add($"partition {p}: unexpected record {rest[i]} was never appended (unexpected or duplicated)");
                return;
            }

            if (rest[i] != attempts[i].Record)
            {
                problems.Add($"partition {p}: hole or reordering: expected {attempts[i].Record} (acknowledged: {attempts[i].Acked}), found {rest[i]}");
                return;
            }

            if (attempts[i].Acked)
            {
                AckedChecked++;
            }
            else
            {
                InFlightRecovered++;
            }
        }

        var lostAcked = attempts.Skip(rest.Count).Where(a => a.Acked).Select(a => a.Record).ToList();
        if (lostAcked.Count > 0)
        {
            problems.Add($"partition {p}: {lostAcked.Count} acknowledged record(s) lost, first {lostAcked[0]}");
        }

        UnackedLost += attempts.Count - rest.Count - lostAcked.Count;
        AckedChecked += known.Count;
    }
}
