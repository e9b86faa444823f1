using System;
using System.Collections.Generic;
using System.Linq;
using StateLog.Benchmarks.Engines;

namespace StateLog.Benchmarks.Macro;

/// <summary>The engines the macro bench knows, by the id used on the command line and between processes.</summary>
internal static class EngineCatalog
{
    public const string StateLog = "statelog";
    public const string StateLogTyped = "statelog-typed";
    public const string RocksDb = "rocksdb";
    public const string Faster = "faster";
    public const string Sqlite = "sqlite";
    public const string RawFile = "rawfile";

    /// <summary>Every engine, StateLog's first and the raw file (the device's limit, not a peer) last.</summary>
    public static IReadOnlyList<EngineEntry> All { get; } =
    [
        new(StateLog, "StateLog", p => new StateLogByteAdapter(p.Partitions)),
        new(StateLogTyped, "StateLog typed", _ => new StateLogTypedAdapter()),
        new(RocksDb, "RocksDB", _ => new RocksDbAdapter()),
        new(Faster, "FASTER", _ => new FasterAdapter()),
        new(Sqlite, "SQLite", _ => new SqliteAdapter()),
        new(RawFile, "Raw file", _ => new RawFileAdapter()),
    ];

    /// <summary>Whether <paramref name="id"/> is one of StateLog's own engines rather than a peer or the raw file.</summary>
    public static bool IsStateLog(string id) => id.StartsWith(StateLog, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="id"/> is a peer: neither StateLog nor the raw file.</summary>
    public static bool IsPeer(string id) => !IsStateLog(id) && id != RawFile;

    /// <summary>The engines named by <c>--engines a,b</c> in <paramref name="args"/>, else <paramref name="defaults"/>.</summary>
    public static List<EngineEntry> Chosen(IReadOnlyList<string> args, IEnumerable<string> defaults) =>
        (Arguments.Value(args, "--engines")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? defaults)
            .Select(Find)
            .ToList();

    public static EngineEntry Find(string id) =>
        All.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown engine '{id}'; known: {string.Join(", ", All.Select(e => e.Id))}.");
}
