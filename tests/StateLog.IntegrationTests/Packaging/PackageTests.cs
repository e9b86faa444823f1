using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace StateLog.IntegrationTests.Packaging;

/// <summary>
/// `dotnet add package StateLog` must bring the runtime, the generator, the analyzers and the code fixes together:
/// the package is packed once (<see cref="PackageFixture"/>) and consumed by fresh console projects.
/// </summary>
public class PackageTests : IClassFixture<PackageFixture>
{
    private const string RoslynFolder = "analyzers/dotnet/roslyn4.8/cs/";

    private readonly PackageFixture _package;

    public PackageTests(PackageFixture package) => _package = package;

    [Fact]
    public void Package_HasRuntimeRoslynComponentsAndMetadata()
    {
        using var archive = ZipFile.OpenRead(_package.PackagePath);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net10.0/StateLog.dll", entries);
        Assert.Contains(RoslynFolder + "StateLog.Generators.dll", entries);
        Assert.Contains(RoslynFolder + "StateLog.Analyzers.dll", entries);
        Assert.Contains(RoslynFolder + "StateLog.Analyzers.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Analyzers", StringComparison.Ordinal));

        using var nuspec = archive.GetEntry("StateLog.nuspec")!.Open();
        var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("Apache-2.0", license.Value);
        Assert.Equal("README.md", Value("readme"));
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("https://github.com/statelog/statelog", repository.Attribute("url")?.Value);

        // The Roslyn components are packed files, never dependencies of the package.
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value);
        Assert.DoesNotContain(dependencies, id => id.StartsWith("StateLog", StringComparison.Ordinal) || id.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidEntity_BuildsAndItsGeneratedClientRuns()
    {
        var (directory, build) = await _package.BuildConsumerAsync("ValidEntity", """
            using System;
            using System.IO;
            using App;
            using StateLog;

            var dataDirectory = Path.Combine(Path.GetTempPath(), "statelog-consumer-" + Guid.NewGuid().ToString("N"));
            try
            {
                await using (var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = dataDirectory }))
                {
                    var users = new UserTopic(engine);
                    await users.PutAsync(new User("u-1", "Ada"));
                    Console.WriteLine("read back: " + await users.GetAsync("u-1"));
                }
            }
            finally
            {
                Directory.Delete(dataDirectory, recursive: true);
            }

            namespace App
            {
                [CompactedTopic("users")]
                public sealed record User([Key] string Id, string Name);
            }
            """);
        Assert.True(build.ExitCode == 0, "The valid entity did not build:\n" + build.Output);

        var run = await _package.RunConsumerAsync(directory);
        Assert.True(run.ExitCode == 0, "The consumer failed:\n" + run.Output);
        Assert.Contains("read back: User { Id = u-1, Name = Ada }", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntityWithoutKey_FailsBuildWithSLOG001AtTheTypeLine()
    {
        const string program = """
            System.Console.WriteLine("unreachable");

            namespace App
            {
                [StateLog.CompactedTopic("users")]
                public sealed record User(string Id, string Name);
            }
            """;
        var (_, build) = await _package.BuildConsumerAsync("MissingKey", program);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Equal(new[] { LineOf(program, "public sealed record User") }, ErrorLines(build.Output, "SLOG001"));
    }

    [Fact]
    public async Task PathLikeTopicName_FailsBuildWithSLOG004()
    {
        const string program = """
            System.Console.WriteLine("unreachable");

            namespace App
            {
                [StateLog.CompactedTopic("../evil")]
                public sealed record User([StateLog.Key] string Id, string Name);
            }
            """;
        var (_, build) = await _package.BuildConsumerAsync("EvilTopicName", program);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Equal(new[] { LineOf(program, "CompactedTopic(\"../evil\")") }, ErrorLines(build.Output, "SLOG004"));
    }

    /// <summary>The distinct Program.cs lines of the build errors with <paramref name="id"/> (MSBuild repeats them in its summary).</summary>
    private static int[] ErrorLines(string output, string id) =>
        Regex.Matches(output, $@"Program\.cs\((\d+),\d+\): error {id}:")
            .Select(m => int.Parse(m.Groups[1].Value))
            .Distinct()
            .ToArray();

    private static int LineOf(string source, string text) =>
        source.Split('\n').Select((line, index) => (line, index)).Single(l => l.line.Contains(text, StringComparison.Ordinal)).index + 1;
}
