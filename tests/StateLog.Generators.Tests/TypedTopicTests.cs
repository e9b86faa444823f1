using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using StateLog.Generators.Tests.Infrastructure;

namespace StateLog.Generators.Tests;

/// <summary>
/// The typed base over the real engine, for what the DI end-to-end tests do not reach: non-string keys through
/// ReadAsync, a struct entity, string keys too long for the stack, and unreadable records named by topic, partition and
/// offset.
/// </summary>
public sealed class TypedTopicTests : IDisposable
{
    private const string Source = """
        using System;
        using System.Linq;
        using System.Threading.Tasks;
        using StateLog;

        namespace Typed;

        [CompactedTopic("readings", Partitions = 3)]
        public readonly record struct Reading([Key] Guid SensorId, double Value);

        [CompactedTopic("counters")]
        public sealed record Counter([Key] long Id, int Count);

        [CompactedTopic("names")]
        public sealed record Name([Key] string Id, int Length);

        public static class Probe
        {
            public static async Task<string> Run(string directory)
            {
                await using var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = directory, Durability = Durability.Buffered });
                var readings = new ReadingTopic(engine);
                var sensor = new Guid("00112233-4455-6677-8899-aabbccddeeff");
                await readings.PutAsync(new Reading(sensor, 1.5));
                await readings.PutAsync(new Reading(sensor, 2.5));
                var counters = new CounterTopic(engine);
                await counters.PutAsync(new Counter(-7, 1));
                await counters.DeleteAsync(-7);

                var read = await counters.ReadAsync().Select(r => $"{r.Key}@{r.Offset}:{r.Value?.Count.ToString() ?? "tombstone"}").ToListAsync();
                var latest = await readings.GetAsync(sensor);
                var missing = await readings.GetAsync(Guid.Empty);
                return $"{string.Join(",", read)}|{latest.Value}|{missing.Value}|{string.Join(",", await readings.GetAllAsync().Select(r => r.Value).ToListAsync())}";
            }

            public static async Task<string> ReadGarbage(string directory)
            {
                await using var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = directory, Durability = Durability.Buffered });
                var counters = new CounterTopic(engine);
                await counters.PutAsync(new Counter(1, 1));
                var key = new byte[8];
                KeyCodecs.Int64.Encode(1, key);
                await engine.GetTopic("counters").PutAsync(key, new byte[] { 0xC1 });

                var fromGet = await Catch(async () => await counters.GetAsync(1));
                var fromRead = await Catch(async () => await counters.ReadAsync().ToListAsync());
                return fromGet + "|" + fromRead;
            }

            public static async Task<string> StringKeys(string directory)
            {
                await using var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = directory, Durability = Durability.Buffered });
                var names = new NameTopic(engine);
                var longKey = new string('é', 300); // 600 bytes of UTF-8: too long for the stack buffer GetAsync encodes a key into
                await names.PutAsync(new Name(longKey, longKey.Length));
                await names.PutAsync(new Name("short", 5));
                string nullKey;
                try
                {
                    await names.GetAsync(null!);
                    nullKey = "no exception";
                }
                catch (ArgumentNullException ex)
                {
                    nullKey = ex.ParamName!;
                }

                return $"{(await names.GetAsync(longKey))?.Length}|{(await names.GetAsync("short"))?.Length}|{(await names.GetAsync(longKey[..299]))?.Length ?? -1}|{nullKey}";
            }

            private static async Task<string> Catch(Func<Task> action)
            {
                try
                {
                    await action();
                    return "no exception";
                }
                catch (RecordSerializationException ex)
                {
                    return $"{ex.Topic}/{ex.Partition}/{ex.Offset}";
                }
            }
        }
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "statelog-generator-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task GuidAndLongKeys_StructEntity_RoundTripThroughTheEngine()
    {
        using var assembly = Load();

        var result = await (Task<string>)assembly.Call("Typed.Probe", "Run", _directory)!;

        Assert.Equal("-7@0:1,-7@1:tombstone|2.5|0|2.5", result);
    }

    [Fact]
    public async Task StringKeys_LongOrShort_ReadBack_AndANullKeyIsRefused()
    {
        using var assembly = Load();

        var result = await (Task<string>)assembly.Call("Typed.Probe", "StringKeys", _directory)!;

        Assert.Equal("300|5|-1|key", result);
    }

    [Fact]
    public async Task UnreadableRecord_ThrowsNamingTopicPartitionAndOffset()
    {
        using var assembly = Load();

        var result = await (Task<string>)assembly.Call("Typed.Probe", "ReadGarbage", _directory)!;

        // GetAsync cannot know the offset (TopicLog.GetAsync returns bytes only), so it reports -1; ReadAsync knows it.
        Assert.Equal("counters/0/-1|counters/0/1", result);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static CompiledAssembly Load() =>
        CompiledAssembly.Load(TestCompilation.Create("TypedTopics", Array.Empty<MetadataReference>(), Source));
}
