using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace StateLog.Generators.Tests.Infrastructure;

/// <summary>
/// Compares generated files with the checked-in ones under <c>Snapshots/&lt;Test&gt;/</c>. With
/// <c>STATELOG_ACCEPT_SNAPSHOTS=1</c> it rewrites them and deletes stale ones, except under <c>CI=true</c>, where
/// accepting is refused. A mismatch fails with the first differing line.
/// </summary>
internal static class SnapshotAssert
{
    private const string VersionPlaceholder = "%VERSION%";

    public static void Matches(GeneratorRunResult result, [CallerMemberName] string test = "")
    {
        var directory = Path.Combine(ProjectDirectory(), "Snapshots", test);
        var actual = result.GeneratedSources.ToDictionary(s => s.HintName, s => Scrub(s.SourceText.ToString()));
        Assert.NotEmpty(actual);

        if (Environment.GetEnvironmentVariable("STATELOG_ACCEPT_SNAPSHOTS") == "1")
        {
            Assert.False(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "STATELOG_ACCEPT_SNAPSHOTS=1 is refused when CI=true: accept snapshots locally and commit them.");
            Accept(directory, actual);
            return;
        }

        var expectedFiles = Directory.Exists(directory)
            ? Directory.GetFiles(directory).Select(Path.GetFileName).OfType<string>().OrderBy(n => n, StringComparer.Ordinal).ToList()
            : new();
        Assert.True(
            expectedFiles.SequenceEqual(actual.Keys.OrderBy(n => n, StringComparer.Ordinal)),
            $"Snapshot files of '{test}' differ. Expected: [{string.Join(", ", expectedFiles)}]; generated: [{string.Join(", ", actual.Keys.OrderBy(n => n, StringComparer.Ordinal))}]. "
            + "Run with STATELOG_ACCEPT_SNAPSHOTS=1 to accept.");
        foreach (var file in expectedFiles)
        {
            CompareLines(Path.Combine(directory, file), File.ReadAllText(Path.Combine(directory, file)).Replace("\r\n", "\n"), actual[file]);
        }
    }

    private static void Accept(string directory, System.Collections.Generic.Dictionary<string, string> actual)
    {
        // Folders of renamed or removed tests are stale too.
        var tests = typeof(SnapshotAssert).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .Where(m => m.IsDefined(typeof(FactAttribute), inherit: true)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in Directory.GetDirectories(Path.GetDirectoryName(directory)!).Where(d => !tests.Contains(Path.GetFileName(d))))
        {
            Directory.Delete(stale, recursive: true);
        }

        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.GetFiles(directory).Where(f => !actual.ContainsKey(Path.GetFileName(f))))
        {
            File.Delete(stale);
        }

        foreach (var (name, text) in actual)
        {
            File.WriteAllText(Path.Combine(directory, name), text);
        }
    }

    private static void CompareLines(string path, string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            var a = i < actualLines.Length ? actualLines[i] : "<end of file>";
            Assert.True(
                e == a,
                $"{path} differs at line {i + 1}.\nExpected: {e}\nActual:   {a}\nRun with STATELOG_ACCEPT_SNAPSHOTS=1 to accept.");
        }
    }

    /// <summary>The generator version changes with every release; the snapshots hold a placeholder.</summary>
    private static string Scrub(string source) =>
        source.Replace("\r\n", "\n").Replace(
            $"\"StateLog.Generators\", \"{typeof(StateLogGenerator).Assembly.GetName().Version}\"",
            $"\"StateLog.Generators\", \"{VersionPlaceholder}\"");

    /// <summary>The test project's source folder: found from the solution, walking up from the test binaries.</summary>
    private static string ProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StateLog.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "StateLog.Generators.Tests");
            }
        }

        throw new InvalidOperationException($"StateLog.sln not found above {AppContext.BaseDirectory}.");
    }
}
