using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace StateLog.Benchmarks.Macro;

/// <summary>Linux counters and file-system facts the harness reads around a phase.</summary>
internal static class SystemProbe
{
    /// <summary>Bytes read through read-like system calls so far (<c>rchar</c>), or 0 where /proc/self/io is missing.</summary>
    public static long ReadBytes()
    {
        const string path = "/proc/self/io";
        if (!File.Exists(path))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("rchar:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan("rchar:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>The peak resident set of this process (VmHWM on Linux).</summary>
    public static long PeakWorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    /// <summary>The resident set of this process now.</summary>
    public static long WorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>
    /// The peak and current resident set and its anonymous and file parts (/proc/self/status: VmHWM, VmRSS, RssAnon,
    /// RssFile); where that file is missing, the peak and current figures of <see cref="Process"/> and no split.
    /// </summary>
    public static (long Peak, long Resident, long Anonymous, long File) Memory()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return (PeakWorkingSet(), WorkingSet(), 0, 0);
        }

        var kilobytes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.EndsWith(" kB", StringComparison.Ordinal))
            {
                kilobytes[line[..colon]] = long.Parse(line.AsSpan(colon + 1, line.Length - colon - 4).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        long Bytes(string name) => kilobytes.GetValueOrDefault(name) * 1024;
        return (Bytes("VmHWM"), Bytes("VmRSS"), Bytes("RssAnon"), Bytes("RssFile"));
    }

    /// <summary>Resets VmHWM to the current resident set (writes 5 to /proc/self/clear_refs); false where Linux does not allow it.</summary>
    public static bool TryResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Writes every dirty page to disk, so one phase's write-back does not run into the next phase's timing.</summary>
    public static void SyncFileSystems()
    {
        using var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false });
        sync?.WaitForExit();
    }

    /// <summary>Writes dirty pages and drops the page cache, so a reopen reads from the device; false without the rights.</summary>
    public static bool TryDropPageCache()
    {
        try
        {
            SyncFileSystems();
            File.WriteAllText("/proc/sys/vm/drop_caches", "1");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>The 1-, 5- and 15-minute load averages (/proc/loadavg), to tell a quiet machine from a shared, busy one.</summary>
    public static string LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? string.Join(' ', File.ReadAllText(path).Split(' ').Take(3)) : "unknown";
    }

    /// <summary>Bytes of every file below <paramref name="directory"/>.</summary>
    public static long DirectoryBytes(string directory)
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            total += file.Length;
        }

        return total;
    }
}
