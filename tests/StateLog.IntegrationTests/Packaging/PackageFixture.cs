using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace StateLog.IntegrationTests.Packaging;

/// <summary>
/// Packs <c>src/StateLog</c> once for all package tests and prepares a folder for consumer projects that sees only
/// that package. Everything happens under one temp folder, offline:
/// <list type="bullet">
/// <item>the sources are copied there and packed with their own artifacts folder, so the pack never races a build
/// of the working tree; package dependencies come from the local global packages folder;</item>
/// <item>consumers restore from the fresh package and from the global packages folder used as a plain local source,
/// into a private packages folder, so a <c>StateLog</c> of the same version cached by an earlier run is never used;</item>
/// <item>empty <c>Directory.Build.*</c>/<c>Directory.Packages.props</c> files keep the consumers away from the repo's.</item>
/// </list>
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "statelog-package-" + Guid.NewGuid().ToString("N"));

    /// <summary>The packed <c>StateLog.{version}.nupkg</c>.</summary>
    public string PackagePath { get; private set; } = "";

    /// <summary>The package version, as packed.</summary>
    public string Version { get; private set; } = "";

    private string ConsumersRoot => Path.Combine(_root, "consumers");

    private string ConsumerPackages => Path.Combine(_root, "packages");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var sources = Path.Combine(_root, "repo");
        var feed = Path.Combine(_root, "feed");
        CopySources(RepositoryRoot(), sources);

        // No package source at all: restore of the pack must be satisfied by the global packages folder.
        File.WriteAllText(Path.Combine(sources, "nuget.config"), NuGetConfig());
        var pack = await DotNetCli.RunAsync(sources, new[] { "pack", "src/StateLog", "-c", "Release", "-o", feed }, null, CommandTimeout);
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);

        PackagePath = Directory.GetFiles(feed, "StateLog.*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(PackagePath)["StateLog.".Length..];

        Directory.CreateDirectory(ConsumersRoot);
        File.WriteAllText(Path.Combine(ConsumersRoot, "nuget.config"), NuGetConfig(feed, GlobalPackagesFolder()));
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(ConsumersRoot, file), "<Project />\n");
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Writes a console project <paramref name="name"/> that references the package and has <paramref name="program"/>
    /// as its Program.cs, and builds it.
    /// </summary>
    public async Task<(string Directory, DotNetCli.Result Build)> BuildConsumerAsync(string name, string program)
    {
        var directory = Path.Combine(ConsumersRoot, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="StateLog" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        var build = await DotNetCli.RunAsync(directory, new[] { "build", "--disable-build-servers" }, ConsumerEnvironment(), CommandTimeout);
        return (directory, build);
    }

    /// <summary>Runs a consumer built by <see cref="BuildConsumerAsync"/>.</summary>
    public Task<DotNetCli.Result> RunConsumerAsync(string directory) =>
        DotNetCli.RunAsync(directory, new[] { "run", "--no-build" }, ConsumerEnvironment(), CommandTimeout);

    private Dictionary<string, string> ConsumerEnvironment() => new() { ["NUGET_PACKAGES"] = ConsumerPackages };

    private static string NuGetConfig(params string[] sources)
    {
        var adds = string.Concat(sources.Select((s, i) => $"    <add key=\"source{i}\" value=\"{s}\" />\n"));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
            {adds}  </packageSources>
            </configuration>
            """;
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StateLog.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("StateLog.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Copies what packing needs; a placeholder README stands in while the repo has none.</summary>
    private static void CopySources(string repository, string target)
    {
        foreach (var folder in new[] { "src", "generators", "analyzers" })
        {
            CopyDirectory(Path.Combine(repository, folder), Path.Combine(target, folder));
        }

        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json" })
        {
            File.Copy(Path.Combine(repository, file), Path.Combine(target, file));
        }

        var readme = Path.Combine(repository, "README.md");
        if (File.Exists(readme))
        {
            File.Copy(readme, Path.Combine(target, "README.md"));
        }
        else
        {
            File.WriteAllText(Path.Combine(target, "README.md"), "# StateLog\n");
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            if (Path.GetFileName(directory) is not ("bin" or "obj"))
            {
                CopyDirectory(directory, Path.Combine(target, Path.GetFileName(directory)));
            }
        }
    }
}
