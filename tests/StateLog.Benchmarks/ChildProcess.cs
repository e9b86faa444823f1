using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;

namespace StateLog.Benchmarks;

/// <summary>Starts this same program again with other arguments, whether it runs as an apphost or under <c>dotnet</c>.</summary>
internal static class ChildProcess
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>
    /// Runs this program with <paramref name="args"/> and returns the text after <paramref name="resultPrefix"/> on the last
    /// line that starts with it; or, when the child ran out of <paramref name="timeout"/> (it is killed) or printed no such
    /// line, why not.
    /// </summary>
    public static async Task<(string? Result, string? Problem)> RunForResultAsync(IEnumerable<string> args, string resultPrefix, TimeSpan timeout)
    {
        var start = StartInfo(args);
        start.RedirectStandardOutput = true;
        using var child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child process.");
        var output = child.StandardOutput.ReadToEndAsync();
        var finished = await Task.WhenAny(child.WaitForExitAsync(), Task.Delay(timeout)) is Task exited && exited.IsCompleted && child.HasExited;
        if (!finished)
        {
            child.Kill(entireProcessTree: true);
            return (null, $"timed out after {timeout.TotalSeconds:F0} s");
        }

        var line = (await output).Split('\n').LastOrDefault(l => l.StartsWith(resultPrefix, StringComparison.Ordinal));
        return line is null
            ? (null, $"child exited with code {child.ExitCode} and no result (native crash?)")
            : (line[resultPrefix.Length..], null);
    }
}
