using System;
using System.Globalization;
using System.IO;

namespace StateLog.Storage.Segments;

/// <summary>Kafka's file names: a 20-digit zero-padded base offset plus an extension, and the swap suffixes.</summary>
internal static class SegmentFiles
{
    public const string LogExtension = ".log";
    public const string IndexExtension = ".index";
    public const string TimeIndexExtension = ".timeindex";
    public const string KeyIndexExtension = ".keyindex";
    public const string CleanedSuffix = ".cleaned";
    public const string SwapSuffix = ".swap";
    public const string DeletedSuffix = ".deleted";

    public static string Log(string directory, long baseOffset) => Path.Combine(directory, Name(baseOffset) + LogExtension);

    public static string Index(string directory, long baseOffset) => Path.Combine(directory, Name(baseOffset) + IndexExtension);

    public static string TimeIndex(string directory, long baseOffset) => Path.Combine(directory, Name(baseOffset) + TimeIndexExtension);

    public static string Name(long offset) => offset.ToString("D20", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="fileName"/> names a segment's log: <c>{20-digit base offset}.log</c>.</summary>
    public static bool IsLog(string fileName) =>
        fileName.Length == 20 + LogExtension.Length && fileName.EndsWith(LogExtension, StringComparison.Ordinal) && TryParseOffset(fileName, out _);

    /// <summary>Parses the base offset of a file name such as <c>00000000000000000042.log.swap</c>.</summary>
    public static bool TryParseOffset(string fileName, out long offset)
    {
        var dot = fileName.IndexOf('.', StringComparison.Ordinal);
        offset = 0;
        return dot == 20 && long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }
}
