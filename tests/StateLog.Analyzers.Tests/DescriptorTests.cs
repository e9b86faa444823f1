using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using StateLog.Generators.Parsing;

namespace StateLog.Analyzers.Tests;

/// <summary>The conventions every descriptor follows, checked against the docs pages and the release-tracking file.</summary>
public class DescriptorTests
{
    public static TheoryData<string> Ids() => new(DiagnosticDescriptors.All.Select(d => d.Id));

    [Fact]
    public void Descriptors_CoverEveryParserProblemId()
    {
        var parserIds = typeof(ProblemIds).GetFields().Select(f => (string)f.GetValue(null)!).OrderBy(id => id, StringComparer.Ordinal);
        Assert.Equal(parserIds, DiagnosticDescriptors.All.Select(d => d.Id));
        Assert.Equal(
            DiagnosticDescriptors.All.Add(DiagnosticDescriptors.UnconstructibleEntity).ToArray(),
            new EntityDefinitionAnalyzer().SupportedDiagnostics.ToArray());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_FollowsTheConventions(string id)
    {
        var descriptor = DiagnosticDescriptors.ForId(id)!;
        var title = descriptor.Title.ToString();
        Assert.InRange(title.Split(' ').Length, 1, 8);
        Assert.False(title.EndsWith('.'), title);
        Assert.Contains("'{0}", descriptor.MessageFormat.ToString(), StringComparison.Ordinal);
        Assert.Equal($"https://github.com/statelog/statelog/blob/main/docs/diagnostics/{id}.md", descriptor.HelpLinkUri);

        var expectedCategory = int.Parse(id.AsSpan(4)) switch
        {
            < 20 => "StateLog.Design",
            < 40 => "StateLog.Serialization",
            _ => "StateLog.Usage",
        };
        Assert.Equal(expectedCategory, descriptor.Category);

        var expectedSeverity = id switch
        {
            "SLOG040" => DiagnosticSeverity.Warning,
            "SLOG041" => DiagnosticSeverity.Info,
            _ => DiagnosticSeverity.Error,
        };
        Assert.Equal(expectedSeverity, descriptor.DefaultSeverity);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_HasDocsPageWithEverySection(string id)
    {
        var page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", id + ".md"));
        var descriptor = DiagnosticDescriptors.ForId(id)!;
        Assert.StartsWith($"# {id}: {descriptor.Title}", page, StringComparison.Ordinal);
        foreach (var section in new[] { "## Cause", "## Rule", "## How to fix", "## Example", "## When to suppress" })
        {
            Assert.Contains(section, page, StringComparison.Ordinal);
        }

        var index = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "README.md"));
        Assert.Contains($"| [{id}]({id}.md) | {descriptor.DefaultSeverity} | {descriptor.Title} |", index, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_IsInUnshippedReleases(string id)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "AnalyzerReleases.Unshipped.md"));
        var descriptor = DiagnosticDescriptors.ForId(id)!;
        Assert.Contains($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} | EntityDefinitionAnalyzer", lines);
    }
}
