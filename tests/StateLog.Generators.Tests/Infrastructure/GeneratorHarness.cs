using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace StateLog.Generators.Tests.Infrastructure;

/// <summary>Runs <see cref="StateLogGenerator"/> with step tracking, and checks the run is incremental and symbol-free.</summary>
internal static class GeneratorHarness
{
    private static readonly string[] TrackedSteps = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetValue(null)!)
        .ToArray();

    /// <summary>Runs the generator once; fails on a generator exception or any diagnostic the generator reports.</summary>
    public static (GeneratorDriver Driver, GeneratorRunResult Result, Compilation Output) Run(Compilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new StateLogGenerator().AsSourceGenerator() },
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        Assert.Empty(diagnostics);
        Assert.Empty(result.Diagnostics);
        return (driver, result, output);
    }

    /// <summary>
    /// Runs the generator, then again on the compilation with an unrelated file added: every tracked step must be
    /// Cached or Unchanged, every source output Cached, and no step output may hold a symbol, syntax node, location or
    /// compilation. Returns the first run's output compilation.
    /// </summary>
    public static (GeneratorRunResult Result, Compilation Output) RunAndAssertIncremental(Compilation compilation)
    {
        var (driver, first, output) = Run(compilation);
        AssertNoRoslynObjects(first);
        if (first.GeneratedSources.Any(s => s.HintName != Emitting.RegistrarEmitter.HintName))
        {
            // With an entity every step runs, so a step that lost its tracking name shows here.
            Assert.All(TrackedSteps, name => Assert.True(first.TrackedSteps.ContainsKey(name), $"Step '{name}' did not run"));
        }

        var changed = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("internal static class UnrelatedEdit { }", TestCompilation.ParseOptions));
        var second = driver.RunGenerators(changed).GetRunResult().Results.Single();
        foreach (var name in TrackedSteps.Where(second.TrackedSteps.ContainsKey))
        {
            var reasons = second.TrackedSteps[name].SelectMany(step => step.Outputs).Select(o => o.Reason).ToList();
            Assert.True(
                reasons.All(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged),
                $"Step '{name}' re-ran on an unrelated edit: {string.Join(", ", reasons)}");
        }

        var outputs = second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(step => step.Outputs).ToList();
        Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        return (first, output);
    }

    /// <summary>Walks every tracked step output's object graph and fails on Roslyn objects that would pin a compilation.</summary>
    private static void AssertNoRoslynObjects(GeneratorRunResult result)
    {
        Assert.NotEmpty(result.TrackedSteps);
        foreach (var (name, steps) in result.TrackedSteps.Where(s => TrackedSteps.Contains(s.Key)))
        {
            foreach (var (value, _) in steps.SelectMany(s => s.Outputs))
            {
                Walk(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or Location or Compilation or SemanticModel or SyntaxTree or Diagnostic,
            $"Pipeline value at {path} holds a {value.GetType().FullName}");
        if (!value.GetType().IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                Walk(item, $"{path}[{i++}]", seen);
            }
        }

        for (var type = value.GetType(); type is not null; type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Walk(field.GetValue(value), $"{path}.{field.Name}", seen);
            }
        }
    }
}
