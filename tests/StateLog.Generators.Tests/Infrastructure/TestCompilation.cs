using System;
using System.Collections.Generic;
using System.Linq;
using Basic.Reference.Assemblies;
using MessagePack;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace StateLog.Generators.Tests.Infrastructure;

/// <summary>Builds test compilations offline: .NET 10 reference assemblies plus the built StateLog and MessagePack.</summary>
internal static class TestCompilation
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
        Net100.References.All
            .Concat(new[]
            {
                typeof(CompactedTopicAttribute).Assembly.Location,
                typeof(MessagePackSerializer).Assembly.Location,
                typeof(MessagePack.KeyAttribute).Assembly.Location,
            }.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)))
            .ToList());

    /// <summary>A library compilation of <paramref name="sources"/>: nullable enabled, every warning an error.</summary>
    public static CSharpCompilation Create(string assemblyName, IEnumerable<MetadataReference> extraReferences, params string[] sources) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References.Value.Concat(extraReferences),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error,
                warningLevel: 9999,
                // As the SDK does: unification of MessagePack's older framework references is expected.
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));

    public static CSharpCompilation Create(params string[] sources) =>
        Create("TestAssembly", Array.Empty<MetadataReference>(), sources);
}
