using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Storage.Segments;
using StateLog.Tests.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace StateLog.Tests.Reliability;

/// <summary>
/// D10 and reliability.md §10: exclusive use of the data folder across processes (also with .NET's own file locking
/// switched off), file modes under umask 000, planted symlinks, and lengths in files that overflow.
/// </summary>
public sealed class LockingAndSecurityTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Dictionary<string, string> NoDotnetLocking = new() { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AFolderHeldByAnotherProcessIsLockedUntilThatProcessDies(bool disableDotnetLocking)
    {
        var folder = _dir.Combine("data");
        var environment = disableDotnetLocking ? NoDotnetLocking : null;
        using var holder = ChildProcess.Start(["hold", folder], environment);
        await holder.WaitReadyAsync();
        var before = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order().ToList();
        var e = Assert.Throws<DataDirectoryLockedException>(() => StateLogEngine.Open(new StateLogOptions { DataDirectory = folder }));
        Assert.Equal(Path.GetFullPath(folder), e.DataDirectory);
        using (var second = ChildProcess.Start(["tryopen", folder], environment))
        {
            Assert.Equal(3, await second.ExitAsync());
            Assert.Contains("LOCKED", await second.LinesAsync());
        }

        Assert.Equal(before, Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order().ToList());
        await holder.KillAsync();
        using var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = folder });
        Assert.True(engine.Verify().IsClean);
        output.WriteLine($"D10 cross-process lock (DOTNET_SYSTEM_IO_DISABLEFILELOCKING={(disableDotnetLocking ? 1 : 0)}): parent and a second child refused, nothing written, open after SIGKILL of the holder succeeded");
    }

    [Fact]
    public void ASecondEngineInTheSameProcessIsLockedOut()
    {
        using var first = StateLogEngine.Open(new StateLogOptions { DataDirectory = _dir.Path });
        Assert.Throws<DataDirectoryLockedException>(() => StateLogEngine.Open(new StateLogOptions { DataDirectory = _dir.Path }));
        var memory = new SimulatedDisk();
        using var inMemory = memory.Open();
        Assert.Throws<DataDirectoryLockedException>(() => memory.Open());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task FilesAndFoldersArePrivateUnderUmask000()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = _dir.Combine("private");
        using (var child = ChildProcess.Start(["fill", folder], shellPrefix: "umask 000;"))
        {
            Assert.True(await child.ExitAsync() == 0, await child.StderrAsync());
        }

        var directories = Directory.GetDirectories(folder, "*", SearchOption.AllDirectories).Append(folder).ToList();
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        Assert.All(directories, d => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(d)));
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        output.WriteLine($"D10 permissions under umask 000: {directories.Count} folders 0700, {files.Length} files 0600");
    }

    [Fact]
    public async Task ASymlinkPlantedAsASegmentIsRefusedAndItsTargetIsNeverTouched()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = _dir.Combine("data");
        using (var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = folder }))
        {
            await engine.GetTopic("orders").PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        }

        // The canary looks like a torn tail, which recovery would cut: it must not be reached through the link.
        var canary = _dir.Combine("canary");
        var canaryBytes = Enumerable.Range(0, 500).Select(i => (byte)(i * 13)).ToArray();
        File.WriteAllBytes(canary, canaryBytes);
        var partition = Path.Combine(folder, "orders-0");
        File.CreateSymbolicLink(SegmentFiles.Log(partition, 1), canary);
        var e = Assert.Throws<CorruptLogException>(() => StateLogEngine.Open(new StateLogOptions { DataDirectory = folder }));
        Assert.Contains("link", e.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(canaryBytes, File.ReadAllBytes(canary));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(int.MinValue)]
    public async Task OverflowingBatchLengthsAreTypedErrorsInSealedSegmentsAndCutTailsInTheLastOne(int length)
    {
        var golden = await GoldenLog.BuildAsync(60, closeCleanly: true);
        var logs = golden.Disk.AllFiles().Where(f => f.EndsWith(".log", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        foreach (var (path, isLast) in new[] { (logs[0], false), (logs[^1], true) })
        {
            var bytes = golden.Disk.ReadAll(path);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), length);
            var machine = new SimulatedDisk(golden.With(path, bytes));
            try
            {
                using var engine = machine.Open();
                var records = await GoldenLog.RecordsAsync(engine.GetTopic(GoldenLog.Topic));

                // Only the last segment may be cut (Kafka's point-in-time rule), and only to the records before it.
                Assert.True(isLast, $"a length of {length} in the sealed segment {path} went unreported");
                Assert.Equal(golden.Records.Where(r => r.Offset < SegmentBaseOf(path)), records);
                Assert.True(engine.Verify().IsClean);
            }
            catch (CorruptLogException e)
            {
                // Found by a full recovery at open, or at the first read after a clean close (which trusts its snapshot).
                Assert.Equal(path, e.File);
            }
        }
    }

    private static long SegmentBaseOf(string path) => SegmentFiles.TryParseOffset(Path.GetFileName(path), out var offset) ? offset : -1;
}
