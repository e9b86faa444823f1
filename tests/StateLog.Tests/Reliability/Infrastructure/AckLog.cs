using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>
/// The oracle of the kill loop (D1), built from the child's BEGIN and ACK lines: Jepsen's buckets. Every acknowledged
/// record must be in the log at its offset (lost = 0); every record in the log must have been begun (unexpected = 0)
/// and appear once (duplicated = 0); the latest record of a key is at least as new as its last acknowledgement and is
/// what GetAsync returns; offsets increase in each partition.
/// </summary>
internal sealed class AckLog
{
    private readonly Dictionary<string, (int Topic, int Partition, string Key)> _begun = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Topic, int Partition, long Offset, string Key)> _acked = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Topic, string Key), long> _lastAcked = new();

    public int Acked => _acked.Count;

    public void Add(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var f = line.Split(' ');
            switch (f[0])
            {
                case "BEGIN":
                    _begun[f[4]] = (Int(f[1]), Int(f[2]), f[3]);
                    break;
                case "ACK":
                    var offset = long.Parse(f[3], CultureInfo.InvariantCulture);
                    _acked[f[5]] = (Int(f[1]), Int(f[2]), offset, f[4]);
                    var key = (Int(f[1]), f[4]);
                    _lastAcked[key] = Math.Max(_lastAcked.GetValueOrDefault(key, -1), offset);
                    break;
            }
        }
    }

    /// <summary>Reads every topic and returns (problems, records read, in-flight records found).</summary>
    public async Task<(List<string> Problems, long Records, long InFlight)> CheckAsync(StateLogEngine engine, int topics, Func<int, string> topicName)
    {
        var problems = new List<string>();
        long records = 0, inFlight = 0;
        for (var t = 0; t < topics; t++)
        {
            var topic = engine.GetTopic(topicName(t));
            var byPosition = new Dictionary<(int, long), (string Key, string? Token)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var latest = new Dictionary<string, (long Offset, string? Value)>(StringComparer.Ordinal);
            var tombstones = new Dictionary<string, int>(StringComparer.Ordinal);
            var previous = new Dictionary<int, long>();
            await foreach (var r in topic.ReadAsync())
            {
                records++;
                var key = Encoding.UTF8.GetString(r.Key.Span);
                var value = r.Value is { } v ? Encoding.UTF8.GetString(v.Span) : null;
                var token = value?.Split('x')[0];
                if (previous.TryGetValue(r.Partition, out var before) && r.Offset <= before)
                {
                    problems.Add($"topic {t} partition {r.Partition}: offset {r.Offset} after {before}");
                }

                previous[r.Partition] = r.Offset;
                byPosition[(r.Partition, r.Offset)] = (key, token);
                latest[key] = (r.Offset, value);
                if (token is null)
                {
                    tombstones[key] = tombstones.GetValueOrDefault(key) + 1;
                }
                else if (!_begun.TryGetValue(token, out var begun) || begun.Topic != t || begun.Partition != r.Partition || begun.Key != key)
                {
                    problems.Add($"unexpected: topic {t} partition {r.Partition} offset {r.Offset} holds '{token}' for '{key}', which was never begun there");
                }
                else if (!seen.Add(token))
                {
                    problems.Add($"duplicated: '{token}' appears twice in topic {t} (again at offset {r.Offset})");
                }
                else if (!_acked.ContainsKey(token))
                {
                    inFlight++;
                }
            }

            foreach (var (key, count) in tombstones)
            {
                var begunTombstones = _begun.Count(b => b.Key.StartsWith('~') && b.Value.Topic == t && b.Value.Key == key);
                if (count > begunTombstones)
                {
                    problems.Add($"unexpected: topic {t} holds {count} tombstones for '{key}' but only {begunTombstones} were begun");
                }
            }

            foreach (var (token, ack) in _acked.Where(a => a.Value.Topic == t))
            {
                var expectedToken = token.StartsWith('~') ? null : token;
                var found = byPosition.GetValueOrDefault((ack.Partition, ack.Offset));
                var present = found.Key == ack.Key && found.Token == expectedToken;

                // The cleaner may drop a record only when a newer record of its key exists (Kafka's rule).
                var superseded = latest.TryGetValue(ack.Key, out var newest) && newest.Offset > ack.Offset;
                if (!present && (found.Key is not null || !superseded))
                {
                    problems.Add($"lost: acknowledged '{token}' for '{ack.Key}' at topic {t} partition {ack.Partition} offset {ack.Offset}");
                }
            }

            foreach (var ((topicIndex, key), offset) in _lastAcked.Where(l => l.Key.Topic == t))
            {
                if (!latest.TryGetValue(key, out var last) || last.Offset < offset)
                {
                    problems.Add($"lost: the latest record of '{key}' in topic {topicIndex} is older than its acknowledged offset {offset}");
                    continue;
                }

                var got = await topic.GetAsync(Encoding.UTF8.GetBytes(key));
                if ((got is null ? null : Encoding.UTF8.GetString(got)) != last.Value)
                {
                    problems.Add($"GetAsync('{key}') in topic {topicIndex} disagrees with the log's latest record at offset {last.Offset}");
                }
            }
        }

        return (problems, records, inFlight);
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
