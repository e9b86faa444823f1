using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StateLog.Generators.Parsing.Model;
using StateLog.Generators.Tests.Infrastructure;

namespace StateLog.Generators.Tests;

/// <summary>Targeted edits re-run only what they touch.</summary>
public sealed class IncrementalTests
{
    private const string Orders = """
        using StateLog;
        namespace Shop;
        [CompactedTopic("orders")]
        public sealed record Order([Key] string Id, int Quantity)
        {
            public int Twice() => Quantity * 2;
        }
        """;

    private const string Users = """
        using StateLog;
        namespace Shop;
        [CompactedTopic("users")]
        public sealed record User([Key] string Id, string Name);
        """;

    [Fact]
    public void ChangingOneEntitysMemberType_RegeneratesOnlyThatEntity()
    {
        var result = RunAfterEdit(Orders.Replace("int Quantity", "long Quantity", System.StringComparison.Ordinal));

        Assert.Equal(new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached }, Reasons(result, TrackingNames.Entities));
    }

    [Fact]
    public void EditingAMethodBody_LeavesTheModelUnchanged()
    {
        var result = RunAfterEdit(Orders.Replace("Quantity * 2", "Quantity + Quantity", System.StringComparison.Ordinal));

        // The transform re-runs on a new compilation, finds equal models, and nothing after it runs again.
        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Unchanged }, Reasons(result, TrackingNames.Parse));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached }, Reasons(result, TrackingNames.Entities));
    }

    private static GeneratorRunResult RunAfterEdit(string newOrders)
    {
        var compilation = TestCompilation.Create(Orders, Users);
        var (driver, _, _) = GeneratorHarness.Run(compilation);
        var oldTree = compilation.SyntaxTrees.First();
        var edited = compilation.ReplaceSyntaxTree(oldTree, CSharpSyntaxTree.ParseText(newOrders, TestCompilation.ParseOptions, oldTree.FilePath));
        return driver.RunGenerators(edited).GetRunResult().Results.Single();
    }

    /// <summary>A step's output reasons, Order's first.</summary>
    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step]
            .SelectMany(s => s.Outputs)
            .OrderBy(o => ((EntityModel?)o.Value)?.Name == "Order" ? 0 : 1)
            .Select(o => o.Reason)
            .ToArray();
}
