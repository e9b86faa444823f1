using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>
/// Starts <c>StateLog.CrashChild</c> (built next to the tests) and collects its complete stdout lines; a last line
/// without its newline (cut by a kill) is dropped, as ALICE's stdout oracle requires.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _partial = new();
    private readonly List<string> _lines = new();
    private readonly Task _reader;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ackTarget = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<string> _stderr;
    private int _acks;
    private int _ackTargetCount = int.MaxValue;

    private ChildProcess(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static string ChildDll { get; } = Path.Combine(AppContext.BaseDirectory, "StateLog.CrashChild.dll");

    /// <summary>The dotnet host running the tests (so the child uses the same runtime).</summary>
    public static string DotnetHost { get; } =
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    public int Id => _process.Id;

    /// <summary>Starts the child with <paramref name="args"/>; <paramref name="shellPrefix"/> (e.g. <c>umask 000;</c>) runs it through /bin/sh.</summary>
    public static ChildProcess Start(IEnumerable<string> args, IDictionary<string, string>? environment = null, string? shellPrefix = null)
    {
        var start = shellPrefix is null
            ? new ProcessStartInfo(DotnetHost) { ArgumentList = { ChildDll } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", $"{shellPrefix} exec \"$0\" \"$@\"", DotnetHost, ChildDll } };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new ChildProcess(Process.Start(start)!);
    }

    /// <summary>Waits for the child's READY line; throws with its stderr if it exits first.</summary>
    public async Task WaitReadyAsync()
    {
        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(_ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60))) != _ready.Task)
        {
            throw new InvalidOperationException($"the child did not become ready (exited: {_process.HasExited}): {await StderrAsync()}");
        }
    }

    /// <summary>Completes when <paramref name="count"/> ACK lines have been read.</summary>
    public Task AckCountAsync(int count)
    {
        lock (_lines)
        {
            _ackTargetCount = count;
            if (_acks >= count)
            {
                _ackTarget.TrySetResult();
            }
        }

        return _ackTarget.Task;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL, then the complete lines it printed.</summary>
    public async Task<List<string>> KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        return await LinesAsync();
    }

    /// <summary>Closes stdin and waits for a normal exit; returns the exit code.</summary>
    public async Task<int> ExitAsync()
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync();
        await _reader;
        return _process.ExitCode;
    }

    public async Task<List<string>> LinesAsync()
    {
        await _reader;
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    public Task<string> StderrAsync() => _stderr;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new char[16 * 1024];
        int n;
        while ((n = await _process.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (_lines)
            {
                for (var i = 0; i < n; i++)
                {
                    if (buffer[i] != '\n')
                    {
                        _partial.Append(buffer[i]);
                        continue;
                    }

                    var line = _partial.ToString();
                    _partial.Clear();
                    _lines.Add(line);
                    if (line == "READY")
                    {
                        _ready.TrySetResult();
                    }
                    else if (line.StartsWith("ACK ", StringComparison.Ordinal) && ++_acks >= _ackTargetCount)
                    {
                        _ackTarget.TrySetResult();
                    }
                }
            }
        }
    }
}
