using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace StateLog.Benchmarks;

/// <summary>The benches' command-line options (<c>--name value</c>) and scratch folders.</summary>
internal static class Arguments
{
    /// <summary>The value after <paramref name="name"/>, or <see langword="null"/> when it is not given.</summary>
    public static string? Value(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }

    /// <summary>The whole number after <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public static int Int(IReadOnlyList<string> args, string name, int fallback) =>
        Value(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Deletes a bench's scratch folder and everything in it, if it is there.</summary>
    public static void DeleteDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
