using System;
using System.Collections.Generic;

namespace StateLog;

/// <summary>
/// Kafka's topic-name rule, which also keeps every partition folder inside the data directory, and what a topic created
/// now must also pass so its folders work on every system: no Windows device name before its first '.', and no
/// other topic's name but for letter case. Topics already in a data directory are held to Kafka's rule alone.
/// </summary>
internal static class TopicName
{
    /// <summary>Kafka's limit: a partition folder <c>{name}-{partition}</c> must fit a 255-byte file name.</summary>
    public const int MaxLength = 249;

    /// <summary>Partitions per topic; keeps <c>{name}-{partition}</c> within 255 bytes and file handles bounded.</summary>
    public const int MaxPartitions = 10_000;

    /// <summary>Why <paramref name="name"/> breaks Kafka's rule, or <see langword="null"/> when it follows it.</summary>
    public static string? Problem(string? name)
    {
        if (name is null || name.Length == 0) // not IsNullOrEmpty: netstandard2.0 lacks its null-state annotation
        {
            return "A topic name must not be empty.";
        }

        if (name.Length > MaxLength)
        {
            return $"A topic name must be at most {MaxLength} characters, but this one has {name.Length}.";
        }

        if (name is "." or "..")
        {
            return $"A topic name cannot be '{name}'.";
        }

        foreach (var c in name)
        {
            if (!IsLegal(c))
            {
                var shown = char.IsControl(c) || c > 0x7e ? $"U+{(int)c:X4}" : $"'{c}'";
                return $"A topic name may contain only ASCII letters, digits, '.', '_' and '-', but '{Printable(name)}' contains {shown}.";
            }
        }

        return null;
    }

    /// <summary>
    /// Why a topic named <paramref name="name"/> cannot be created, or <see langword="null"/> when it can: Kafka's rule,
    /// then the device names. A data directory made before the device rule may hold such a topic, and still opens.
    /// </summary>
    public static string? NewTopicProblem(string? name) =>
        Problem(name) ?? (DeviceStem(name!) is { } stem
            ? $"A topic name cannot start with '{stem}.': Windows opens any file or folder named '{stem}.<anything>' as its {stem.ToUpperInvariant()} device, so the partition folder '{name}-0' could not be made there."
            : null);

    /// <summary>
    /// The part of <paramref name="name"/> before its first '.' when that is a Windows device name (CON, PRN, AUX, NUL,
    /// COM0-9, LPT0-9, in any case), else <see langword="null"/>. A name without a dot is safe: its folder,
    /// <c>{name}-{partition}</c>, is never a device name itself. Checked on every system, so a data directory made on
    /// one can move to another.
    /// </summary>
    public static string? DeviceStem(string name)
    {
        var dot = name.IndexOf('.');
        if (dot is not (3 or 4))
        {
            return null;
        }

        var stem = name.Substring(0, dot);
        var upper = stem.ToUpperInvariant();
        var isDevice = upper is "CON" or "PRN" or "AUX" or "NUL"
            || (upper.Length == 4 && (upper.StartsWith("COM", StringComparison.Ordinal) || upper.StartsWith("LPT", StringComparison.Ordinal)) && upper[3] is >= '0' and <= '9');
        return isDevice ? stem : null;
    }

    /// <summary>
    /// Why a new topic <paramref name="name"/> cannot join <paramref name="existing"/> topics, or <see langword="null"/>
    /// when it can: names that differ only in letter case share their partition folders on a case-insensitive file
    /// system (the default on Windows and macOS), where two topics would write into one log.
    /// </summary>
    public static string? CaseCollision(string name, IEnumerable<string> existing) =>
        CaseTwin(name, existing) is { } other
            ? $"The topic name '{name}' differs from the existing topic '{other}' only in letter case; on a case-insensitive file system (the default on Windows and macOS) their partition folders would be one folder, so names must differ in more than case."
            : null;

    /// <summary>The first of <paramref name="names"/> equal to <paramref name="name"/> but for letter case, or <see langword="null"/>.</summary>
    public static string? CaseTwin(string name, IEnumerable<string> names)
    {
        foreach (var other in names)
        {
            if (string.Equals(name, other, StringComparison.OrdinalIgnoreCase) && !string.Equals(name, other, StringComparison.Ordinal))
            {
                return other;
            }
        }

        return null;
    }

#if !STATELOG_ROSLYN_COMPONENT
    // Roslyn components link this file for the rule alone; the exception lives only in the runtime.
    public static void ThrowIfInvalid(string? name)
    {
        if (Problem(name) is { } problem)
        {
            throw new InvalidTopicNameException(name ?? "", problem);
        }
    }
#endif

    private static bool IsLegal(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-';

    /// <summary>The name with control and non-ASCII characters escaped, safe to put in a message or a log line.</summary>
    private static string Printable(string name)
    {
        var b = new System.Text.StringBuilder(Math.Min(name.Length, 64));
        foreach (var c in name.Length > 64 ? name.Substring(0, 64) : name)
        {
            _ = char.IsControl(c) || c > 0x7e ? b.Append($"\\u{(int)c:X4}") : b.Append(c);
        }

        return name.Length > 64 ? b.Append("...").ToString() : b.ToString();
    }
}
