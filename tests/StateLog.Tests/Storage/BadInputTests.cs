using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace StateLog.Tests.Storage;

public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private StateLogOptions Options() => new() { DataDirectory = _dir.Path, Durability = Durability.Buffered, MaxRecordBytes = 1024 };

    private string[] Snapshot() => Directory.GetFileSystemEntries(_dir.Path, "*", SearchOption.AllDirectories)
        .Select(p => $"{p}:{(File.Exists(p) ? new FileInfo(p).Length : -1)}").Order(StringComparer.Ordinal).ToArray();

    public static TheoryData<string> BadNames() => new()
    {
        "../x", "/etc/x", "a/b", "a\\b", ".", "..", "", new string('a', 250), "tab\there", "nul\0x", "new\nline", "spa ce", "ünïcode", "C:x", "~home",
        "con.events", "NUL.x", "aux.", "Prn.v2", "com1.a", "LPT9.b", "com0.x",
    };

    /// <summary>Names near the Windows device names that are still fine: no dot right after the device name.</summary>
    public static TheoryData<string> DeviceLikeNames() => new() { "con", "con-events", "console.x", "com10.x", "coma.x", "lpt.x", "nul_x", "x.con.y" };

    [Theory]
    [MemberData(nameof(BadNames))]
    public void BadTopicName_IsRejected_AndNothingIsCreated(string name)
    {
        using var engine = StateLogEngine.Open(Options());
        var before = Snapshot();
        var e = Assert.Throws<InvalidTopicNameException>(() => engine.GetTopic(name));
        Assert.Equal(name, e.TopicName);
        Assert.StartsWith("Invalid topic name: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
        Assert.Empty(engine.TopicNames);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "x-0")));
    }

    [Theory]
    [MemberData(nameof(DeviceLikeNames))]
    public void DeviceLikeName_IsAccepted(string name)
    {
        using var engine = StateLogEngine.Open(Options());
        Assert.Equal(name, engine.GetTopic(name).Name);
        Assert.True(Directory.Exists(Path.Combine(_dir.Path, name + "-0")));
    }

    [Fact]
    public async Task DataDirectoryHoldingADeviceNamedTopic_StillOpens()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // made on another system: Windows cannot hold the folder
        }

        // As made before the device rule: a topic of another name, renamed by hand in the folder and the checkpoints.
        using (var engine = StateLogEngine.Open(Options()))
        {
            await engine.GetTopic("conx.events").PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        }

        Directory.Move(Path.Combine(_dir.Path, "conx.events-0"), Path.Combine(_dir.Path, "con.events-0"));
        foreach (var file in Directory.GetFiles(_dir.Path).Where(f => File.ReadAllText(f).Contains("conx.events", StringComparison.Ordinal)))
        {
            File.WriteAllText(file, File.ReadAllText(file).Replace("conx.events", "con.events", StringComparison.Ordinal));
        }

        using var reopened = StateLogEngine.Open(Options());
        Assert.Equal(["con.events"], reopened.TopicNames);
        Assert.Equal("v"u8.ToArray(), await reopened.GetTopic("con.events").GetAsync("k"u8.ToArray()));
        Assert.Throws<InvalidTopicNameException>(() => reopened.GetTopic("aux.events"));
    }

    [Fact]
    public void NameDifferingOnlyInCase_IsRejected_AndNothingIsCreated()
    {
        using (var engine = StateLogEngine.Open(Options()))
        {
            var users = engine.GetTopic("users", 2);
            var before = Snapshot();
            var e = Assert.Throws<InvalidTopicNameException>(() => engine.GetTopic("Users"));
            Assert.Equal("Users", e.TopicName);
            Assert.Contains("'users' only in letter case", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot());
            Assert.Equal(["users"], engine.TopicNames);
            Assert.Same(users, engine.GetTopic("users"));
        }

        // The topics recorded on disk guard a later open too, before any of them is asked for.
        using var reopened = StateLogEngine.Open(Options());
        Assert.Throws<InvalidTopicNameException>(() => reopened.GetTopic("USERS", 2));
        Assert.Equal(["users"], reopened.TopicNames);
    }

    [Fact]
    public void LongestLegalName_IsAccepted() =>
        Assert.Equal(249, StateLogEngine.Open(Options()).Also(e => e.Dispose(), e => e.GetTopic(new string('a', 249)).Name.Length));

    [Fact]
    public async Task OversizedRecord_IsRejected_AndTheLogIsUnchanged()
    {
        using var engine = StateLogEngine.Open(Options());
        var topic = engine.GetTopic("events");
        await topic.PutAsync("k"u8.ToArray(), new byte[100]);
        var before = Snapshot();
        var e = await Assert.ThrowsAsync<RecordTooLargeException>(async () => await topic.PutAsync("k"u8.ToArray(), new byte[2000]));
        Assert.Equal("events", e.Topic);
        Assert.True(e.RecordBytes > 2000);
        Assert.Equal(1024, e.MaxRecordBytes);
        Assert.Equal(before, Snapshot());
        Assert.Equal(1, topic.GetStats().Partitions[0].LogEndOffset);
        Assert.Equal(100, (await topic.GetAsync("k"u8.ToArray()))!.Length);
    }

    [Fact]
    public void InvalidOptions_FailAtOpen_NamingTheOption()
    {
        var options = Options();
        options.MinCleanableDirtyRatio = 2;
        var e = Assert.Throws<ArgumentException>(() => StateLogEngine.Open(options));
        Assert.Contains("MinCleanableDirtyRatio", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task CreatedFoldersAndFiles_ArePrivateToTheUser()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using (var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = _dir.Combine("data"), Durability = Durability.Buffered }))
        {
            await engine.GetTopic("events").PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        }

        foreach (var dir in Directory.GetDirectories(_dir.Path, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        }

        foreach (var file in Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }
}

internal static class TestExtensions
{
    /// <summary>Runs <paramref name="use"/>, then <paramref name="after"/>, and returns the result.</summary>
    public static TResult Also<T, TResult>(this T value, Action<T> after, Func<T, TResult> use)
    {
        try
        {
            return use(value);
        }
        finally
        {
            after(value);
        }
    }
}
