using System;

namespace StateLog;

/// <summary>Kafka's topic-name rule, which also keeps every partition folder inside the data directory.</summary>
internal static class TopicName
{
    /// <summary>Kafka's limit: a partition folder <c>{name}-{partition}</c> must fit a 255-byte file name.</summary>
    public const int MaxLength = 249;

    /// <summary>Partitions per topic; keeps <c>{name}-{partition}</c> within 255 bytes and file handles bounded.</summary>
    public const int MaxPartitions = 10_000;

    /// <summary>Why <paramref name="name"/> is not a valid topic name, or <see langword="null"/> when it is.</summary>
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
