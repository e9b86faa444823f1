using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using StateLog.Storage.IO;

namespace StateLog.Storage.Checkpoints;

/// <summary>
/// Kafka's checkpoint text format (version line, entry count, one entry per line), written atomically: a temp file,
/// fsync, rename over the old one, fsync of the folder. A reader sees the old file or the new one, never a mix.
/// </summary>
internal static class CheckpointFile
{
    private const string Version = "0";

    public static void Write(IStorage storage, string path, IReadOnlyCollection<string> entries)
    {
        var text = new StringBuilder();
        text.Append(Version).Append('\n').Append(entries.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var entry in entries)
        {
            text.Append(entry).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var temp = path + ".tmp";
        using (var file = storage.Open(temp, create: true))
        {
            file.SetLength(0);
            file.Write(0, bytes);
            file.Sync();
        }

        storage.Rename(temp, path);
        storage.SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>The entries, or null when the file is missing or not a well-formed checkpoint (then the caller recovers conservatively).</summary>
    public static IReadOnlyList<string>? Read(IStorage storage, string path)
    {
        if (!storage.FileExists(path))
        {
            return null;
        }

        using var file = storage.Open(path, create: false);
        if (file.Length > 64L * 1024 * 1024)
        {
            return null;
        }

        var bytes = new byte[file.Length];
        var read = file.Read(0, bytes);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, read);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var lines = text.Split('\n');
        if (lines.Length < 3 || lines[0] != Version || !int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || lines.Length != count + 3 || lines[^1].Length != 0)
        {
            return null;
        }

        return lines[2..^1];
    }
}
