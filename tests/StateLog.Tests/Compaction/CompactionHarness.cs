using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using StateLog.Compaction;
using StateLog.Storage;
using StateLog.Storage.IO;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Tests.Compaction;

/// <summary>
/// An engine over a temp folder with a fake clock, the background cleaner off (tests drive passes themselves), small
/// segments (1 KiB: about a dozen single-record batches), and helpers to append, read, craft segment files and run
/// Kafka-style <c>Clean(d, u)</c> passes.
/// </summary>
internal sealed class CompactionHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Action<StateLogOptions>? _configure;
    private readonly int _partitions;

    public CompactionHarness(Action<StateLogOptions>? configure = null, int partitions = 1, bool open = true, TempDirectory? directory = null)
    {
        Dir = directory ?? new TempDirectory();
        _configure = configure;
        _partitions = partitions;
        if (open)
        {
            Open();
        }
    }

    public TempDirectory Dir { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public StateLogOptions Options { get; private set; } = null!;

    public StateLogEngine Engine { get; private set; } = null!;

    public TopicLog Topic { get; private set; } = null!;

    public PartitionLog Log => Topic.PartitionLogs[0];

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The folder of partition <paramref name="partition"/> of topic "t".</summary>
    public string PartitionDirectory(int partition = 0) => Path.Combine(Dir.Path, $"t-{partition}");

    /// <summary>
    /// Waits (30 s at most) until partition 0's folder holds no <c>.deleted</c> file: a deletion due when it was queued
    /// runs on a pool thread, not on the fake clock.
    /// </summary>
    public async Task UntilNoDeletedFiles()
    {
        for (var waited = 0; Directory.EnumerateFiles(PartitionDirectory(), "*.deleted").Any(); waited += 10)
        {
            Assert.True(waited < 30_000, $"still there after 30 s: {string.Join(", ", Directory.EnumerateFiles(PartitionDirectory(), "*.deleted"))}");
            await Task.Delay(10);
        }
    }

    public void Open(ICrashPoints? crashPoints = null)
    {
        Options = new StateLogOptions
        {
            DataDirectory = Dir.Path,
            Durability = Durability.Buffered,
            SegmentBytes = 1024,
            MaxRecordBytes = 256,
            IndexIntervalBytes = 128,
            SegmentMaxAge = TimeSpan.FromDays(30), // tests advance the clock by hours: no rolls by age unless asked
            EnableCleaner = false,
            TimeProvider = Time,
        };
        if (crashPoints is not null)
        {
            Options.CrashPoints = crashPoints;
        }

        _configure?.Invoke(Options);
        Engine = StateLogEngine.Open(Options);
        Topic = Engine.GetTopic("t", _partitions);
    }

    public void Reopen(ICrashPoints? crashPoints = null)
    {
        Engine.Dispose();
        Open(crashPoints);
    }

    public static ReadOnlyMemory<byte> B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Appends one record (a tombstone when <paramref name="value"/> is null) in its own batch; returns its offset.</summary>
    public async Task<long> Put(string key, string? value) =>
        (value is null ? await Topic.DeleteAsync(B(key)) : await Topic.PutAsync(B(key), B(value))).Offset;

    /// <summary>Appends key = value = i for each i, one batch each.</summary>
    public async Task PutNumbers(IEnumerable<int> numbers)
    {
        foreach (var i in numbers)
        {
            await Put(Num(i), Num(i));
        }
    }

    public static string Num(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Appends numbers until partition 0 has <paramref name="segments"/> segments (the last one active, holding one record).</summary>
    public async Task FillSegments(int segments, Func<int, (string Key, string? Value)> record)
    {
        var i = 0;
        while (Log.Segments.Length < segments)
        {
            var (key, value) = record(i++);
            await Put(key, value);
        }
    }

    public List<Rec> Read(int partition = 0)
    {
        var result = new List<Rec>();
        var records = new List<LogRecord>();
        var log = Topic.PartitionLogs[partition];
        for (var next = 0L; next >= 0; records.Clear())
        {
            next = log.ReadChunk(next, records);
            result.AddRange(records.Select(r => new Rec(r.Offset, Encoding.UTF8.GetString(r.Key.Span), r.Value is { } v ? Encoding.UTF8.GetString(v.Span) : null, r.Timestamp.ToUnixTimeMilliseconds())));
        }

        return result;
    }

    /// <summary>Kafka's <c>Clean(d, u)</c> at the fake clock's now, with an offset map of at most <paramref name="maxMapEntries"/> keys.</summary>
    public CleanStats Clean(long firstDirty, long firstUncleanable, int maxMapEntries = OffsetMap.DefaultMaxEntries, PartitionLog? log = null)
    {
        using var cleaner = new Cleaner(new Throttler(null, Time), maxMapEntries);
        return cleaner.Clean(log ?? Log, firstDirty, firstUncleanable, NowMs, CancellationToken.None);
    }

    /// <summary>A pass over everything closed: cleaner point 0 up to the active segment.</summary>
    public CleanStats CleanAll() => Clean(0, Log.ActiveSegment.BaseOffset);

    /// <summary>Every batch of a closed segment's file, as (bytes, has-horizon, horizon).</summary>
    public static List<byte[]> Batches(LogSegment segment)
    {
        var list = new List<byte[]>();
        using var scanner = new BatchScanner(segment.File, 0, segment.Size, 4 * 1024 * 1024);
        while (scanner.Next(verify: true) == ScanResult.Batch)
        {
            list.Add(scanner.Current.ToArray());
        }

        return list;
    }

    /// <summary>Closes the engine, writes partition 0's segments directly (sparse offsets, unkeyed records), and reopens.</summary>
    public void Recreate(params (long Base, IEnumerable<(long Offset, string? Key, string? Value)> Records)[] segments)
    {
        Engine?.Dispose();
        foreach (var (baseOffset, records) in segments)
        {
            WriteSegment(PartitionDirectory(), baseOffset, records);
        }

        Open();
    }

    /// <summary>Writes a segment file of single-record batches stamped <see cref="Start"/>; a null key is written as Kafka's null key.</summary>
    private static void WriteSegment(string directory, long baseOffset, IEnumerable<(long Offset, string? Key, string? Value)> records)
    {
        Directory.CreateDirectory(directory);
        using var builder = new RecordBatchBuilder();
        using var file = File.Create(SegmentFiles.Log(directory, baseOffset));
        var timestamp = Start.ToUnixTimeMilliseconds();
        foreach (var (offset, key, value) in records)
        {
            builder.Reset(offset, timestamp);
            builder.Append(offset, timestamp, Encoding.UTF8.GetBytes(key ?? ""), Encoding.UTF8.GetBytes(value ?? ""), value is null);
            var batch = builder.Finish().ToArray();
            if (key is null)
            {
                // Turn the empty key into a null key: both lengths are one varint byte (0 and zig-zag -1 = 1).
                batch[BatchLayout.Records + 4] = 1;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(BatchLayout.Crc), Crc32C.Compute(batch.AsSpan(BatchLayout.Attributes)));
            }

            file.Write(batch);
        }
    }

    /// <summary>Overwrites bytes of a file the engine has open (sharing it, as another process would).</summary>
    public static void Overwrite(string path, long position, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.Position = position;
        file.Write(bytes);
    }

    /// <summary>
    /// Flips the last value byte of <paramref name="key"/>'s latest record in <paramref name="log"/> (a record a pass
    /// keeps, so both of its passes read it) and returns the file it is in.
    /// </summary>
    public static string CorruptLatestRecord(PartitionLog log, string key)
    {
        Assert.True(log.Keys.TryGet(KeyIndex.Hash(B(key).Span), out var location));
        var segment = log.Segments.Last(s => s.BaseOffset <= location.Offset);
        var position = location.Position + location.Size - 2; // the record ends with its value, then a one-byte header count
        var bytes = new byte[1];
        segment.Read(position, bytes);
        Overwrite(segment.LogPath, position, [(byte)(bytes[0] ^ 0xFF)]);
        return segment.LogPath;
    }

    /// <summary>Cuts a file the engine has open.</summary>
    public static void Truncate(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.SetLength(length);
    }

    /// <summary>Polls (in real time, never asserting it) until <paramref name="condition"/> holds, advancing the fake clock by <paramref name="step"/> each round.</summary>
    public void WaitUntil(Func<bool> condition, TimeSpan step, string what)
    {
        for (var i = 0; i < 2000; i++)
        {
            if (condition())
            {
                return;
            }

            Time.Advance(step);
            Thread.Sleep(5);
        }

        throw new TimeoutException($"Timed out waiting until {what}.");
    }

    public void Dispose()
    {
        Engine?.Dispose();
        Dir.Dispose();
    }

    public readonly record struct Rec(long Offset, string Key, string? Value, long Timestamp)
    {
        public override string ToString() => $"{Offset}:{Key}={Value ?? "null"}";
    }
}
