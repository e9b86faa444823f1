using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using StateLog.Generators.Tests.Infrastructure;

namespace StateLog.Generators.Tests;

/// <summary>
/// The registrar registers an assembly's own clients and calls the registrars that referenced assemblies name in their
/// <c>[StateLogTopicsAssembly]</c>, found at compile time; its module initializer runs it when the assembly loads.
/// </summary>
public sealed class RegistrarTests
{
    private const string Library = """
        using StateLog;

        namespace Lib.Inventory;

        [CompactedTopic("stock", Partitions = 2)]
        public sealed record Stock([Key] string Sku, int Count);
        """;

    private const string Application = """
        using StateLog;

        namespace App;

        [CompactedTopic("carts")]
        public sealed record Cart([Key] long CartId, Lib.Inventory.Stock? Reserved);

        public static class Probe
        {
            public static string Touch() => nameof(Cart);
        }
        """;

    private const string ApplicationWithoutTopics = """
        namespace App;

        public static class Probe
        {
            public static string Touch() => "touched";
        }
        """;

    /// <summary>The library with one topic, built once (generator run, emitted to an image).</summary>
    private static readonly Lazy<byte[]> LibraryImage = new(() =>
        CompiledAssembly.Build(TestCompilation.Create("Lib.Inventory", Array.Empty<MetadataReference>(), Library)));

    [Fact]
    public void Registrar_CallsReferencedAssemblyRegistrars()
    {
        var (result, output) = GeneratorHarness.RunAndAssertIncremental(AgainstLibrary("My-App", Application));

        Assert.Empty(output.GetDiagnostics());
        SnapshotAssert.Matches(result);
    }

    [Fact]
    public void Registrar_WithoutOwnTopics_CallsReferencesAndMarksNothing()
    {
        var (result, output) = GeneratorHarness.RunAndAssertIncremental(AgainstLibrary("My-App", ApplicationWithoutTopics));

        Assert.Empty(output.GetDiagnostics());
        var registrar = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.DoesNotContain("[assembly:", registrar, StringComparison.Ordinal);
        Assert.Contains("global::StateLog.Generated.StateLogTopics_Lib_Inventory.Register();", registrar, StringComparison.Ordinal);
    }

    [Fact]
    public void NoTopicsAndNoReferences_EmitsNothing()
    {
        var (_, result, _) = GeneratorHarness.Run(TestCompilation.Create(ApplicationWithoutTopics));

        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void ModuleInitializer_RegistersOwnAndReferencedClients()
    {
        using var app = CompiledAssembly.Load(AgainstLibrary("ModuleInitApp", ApplicationWithoutTopics), LibraryImage.Value);

        Assert.Equal("touched", app.Call("App.Probe", "Touch"));

        // The application has no topics of its own: the library's client got there through the application's registrar.
        var registration = Assert.Single(
            StateLogTopicRegistry.Registrations,
            r => System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(r.ClientType.Assembly) == System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(app.Assembly));
        var stock = registration.ClientType.Assembly.GetType("Lib.Inventory.Stock", throwOnError: true)!;
        Assert.Equal(("Lib.Inventory.StockTopic", "stock", 2), (registration.ClientType.FullName, registration.TopicName, registration.Partitions));
        Assert.Equal(typeof(ICompactedTopic<,>), registration.ServiceType.GetGenericTypeDefinition());
        Assert.Equal(new[] { typeof(string), stock }, registration.ServiceType.GetGenericArguments());
    }

    private static Compilation AgainstLibrary(string assemblyName, string source) =>
        TestCompilation.Create(assemblyName, new[] { MetadataReference.CreateFromImage(LibraryImage.Value) }, source);
}
