using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace StateLog.Analyzers.Tests.Verifiers;

/// <summary>
/// The references of every test compilation, all local: the .NET 10 reference assemblies from
/// Basic.Reference.Assemblies (instead of a NuGet download at test time), the StateLog runtime and MessagePack.
/// </summary>
internal static class TestReferences
{
    /// <summary>Resolves to nothing, so Microsoft.CodeAnalysis.Testing downloads nothing; the references come from <see cref="All"/>.</summary>
    public static readonly ReferenceAssemblies None = new("net10.0");

    /// <summary>.NET 10 plus StateLog, MessagePack and MessagePack.Annotations.</summary>
    public static readonly ImmutableArray<MetadataReference> All = Net100.References.All
        .Cast<MetadataReference>()
        .Concat(new[]
        {
            MetadataReference.CreateFromFile(typeof(StateLog.KeyAttribute).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(MessagePack.MessagePackSerializer).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(MessagePack.KeyAttribute).Assembly.Location),
        })
        .ToImmutableArray();

    /// <summary>.NET 10 only: a project that does not use StateLog.</summary>
    public static readonly ImmutableArray<MetadataReference> WithoutStateLog = Net100.References.All
        .Cast<MetadataReference>()
        .ToImmutableArray();
}
