using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StateLog.Generators.Tests.Infrastructure;

namespace StateLog.Generators.Tests;

/// <summary>
/// Generated text for representative entities. Every scenario also asserts that a second run is all Cached/Unchanged,
/// that no pipeline value holds a Roslyn object, and that the output compiles with warnings as errors.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void PositionalRecord_KeyOnParameter() => Verify("""
        using System;
        using StateLog;

        namespace Shop.Events;

        [CompactedTopic("user-activity", Partitions = 3)]
        public sealed record UserActivity([Key] string UserId, string Action, DateTimeOffset At);
        """);

    [Fact]
    public void ClassWithInitProperties_KeepsInitializerDefaults() => Verify("""
        using StateLog;

        namespace Shop;

        [CompactedTopic("customers")]
        public sealed class Customer
        {
            [Key]
            public required string Id { get; init; }

            public string Name { get; init; } = "unknown";

            public int Visits { get; set; } = 1;

            public string? Notes;

            public string Display => Name + " (" + Id + ")";
        }
        """);

    [Fact]
    public void Struct_IntKey() => Verify("""
        using StateLog;

        namespace Metrics;

        [CompactedTopic("counters")]
        public struct Counter
        {
            [Key]
            public int Id { get; set; }

            public long Value { get; set; }
        }
        """);

    [Fact]
    public void RecordStruct_LongKey_Internal() => Verify("""
        using StateLog;

        namespace Metrics;

        internal enum Unit : byte { Celsius = 1, Kelvin = 2 }

        [CompactedTopic("readings", Partitions = 2)]
        internal readonly record struct Reading([Key] long SensorId, double Value, Unit Unit = Unit.Kelvin, bool Calibrated = true);
        """);

    [Fact]
    public void NestedType_GuidKey_GlobalNamespace() => Verify("""
        using System;
        using StateLog;

        public static class Outer
        {
            [CompactedTopic("sessions")]
            public sealed class Session
            {
                [Key]
                public Guid SessionId { get; init; }

                public TimeSpan Length { get; init; }
            }
        }
        """);

    [Fact]
    public void DataAnnotationsKey_FieldRename() => Verify("""
        using StateLog;

        namespace Crm;

        [CompactedTopic("accounts")]
        public class Account
        {
            [System.ComponentModel.DataAnnotations.Key]
            public string AccountId { get; set; } = "";

            [Field("display_name")]
            public string DisplayName { get; set; } = "";

            public decimal Balance { get; set; }
        }
        """);

    [Fact]
    public void UserTypeMember_ListAndDictionary() => Verify("""
        using System.Collections.Generic;
        using StateLog;

        namespace Orders;

        public enum Status { Open, Shipped }

        public sealed record Address(string Street, string City);

        public sealed class Line
        {
            public string Sku { get; set; } = "";
            public int Quantity { get; set; }
        }

        [CompactedTopic("orders")]
        public sealed record Order([Key] string OrderId, Address ShipTo, List<Line> Lines, Dictionary<string, int> Counts, Status? Status);
        """);

    private static void Verify(string source, [CallerMemberName] string test = "")
    {
        var compilation = TestCompilation.Create(source);
        var (result, output) = GeneratorHarness.RunAndAssertIncremental(compilation);
        Assert.Empty(output.GetDiagnostics());
        AssertDocumented(compilation.AddSyntaxTrees(result.GeneratedSources.Select(s => s.SyntaxTree)));
        SnapshotAssert.Matches(result, test);
    }

    /// <summary>Generated public API carries XML docs, so a user's GenerateDocumentationFile build stays clean.</summary>
    private static void AssertDocumented(Compilation compilation)
    {
        var documented = compilation.SyntaxTrees.Select(t => t.WithRootAndOptions(
            t.GetRoot(), TestCompilation.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose)));
        var diagnostics = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(documented).GetDiagnostics()
            .Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true);
        Assert.Empty(diagnostics);
    }
}
