using System;
using MessagePack;
using Microsoft.CodeAnalysis;
using StateLog.Generators.Tests.Infrastructure;

namespace StateLog.Generators.Tests;

/// <summary>
/// Records written by one version of a type are read by the next (a member added, one removed) and by the previous:
/// two compilations, loaded side by side, exchanging bytes through their generated formatters.
/// </summary>
public sealed class SchemaEvolutionTests
{
    private const string ClassA = """
        [CompactedTopic("people")]
        public sealed class Person
        {
            [Key] public string Id { get; init; } = "";
            public string Name { get; init; } = "";
            public int Age { get; set; } = -1;
            public static Person Sample() => new() { Id = "p1", Name = "Ada", Age = 36 };
            public string Describe() => $"{Id}|{Name}|Age={Age}";
        }
        """;

    private const string ClassB = """
        [CompactedTopic("people")]
        public sealed class Person
        {
            [Key] public string Id { get; init; } = "";
            public string Name { get; init; } = "";
            public string Email { get; init; } = "none";
            public static Person Sample() => new() { Id = "p2", Name = "Bob", Email = "bob@example.com" };
            public string Describe() => $"{Id}|{Name}|Email={Email}";
        }
        """;

    private const string RecordA = """
        [CompactedTopic("people")]
        public sealed record Person([Key] string Id, string Name, int Age = -1)
        {
            public static Person Sample() => new("p1", "Ada", 36);
            public string Describe() => $"{Id}|{Name}|Age={Age}";
        }
        """;

    private const string RecordB = """
        [CompactedTopic("people")]
        public sealed record Person([Key] string Id, string Name, string Email = "none")
        {
            public static Person Sample() => new("p2", "Bob", "bob@example.com");
            public string Describe() => $"{Id}|{Name}|Email={Email}";
        }
        """;

    [Theory]
    [InlineData(ClassA, ClassB)]
    [InlineData(RecordA, RecordB)]
    public void VersionB_ReadsVersionA_AddedMemberKeepsDefault_RemovedIgnored(string a, string b)
    {
        using var versionA = Load("EvolutionA", a);
        using var versionB = Load("EvolutionB", b);

        var bytes = (byte[])versionA.Call("Evolution.Probe", "Write")!;

        Assert.Equal("""{"Id":"p1","Name":"Ada","Age":36}""", MessagePackSerializer.ConvertToJson(bytes));
        Assert.Equal("p1|Ada|Email=none", versionB.Call("Evolution.Probe", "Read", bytes));
    }

    [Theory]
    [InlineData(ClassA, ClassB)]
    [InlineData(RecordA, RecordB)]
    public void VersionA_ReadsVersionB_RemovedMemberKeepsDefault_AddedIgnored(string a, string b)
    {
        using var versionA = Load("EvolutionA", a);
        using var versionB = Load("EvolutionB", b);

        var bytes = (byte[])versionB.Call("Evolution.Probe", "Write")!;

        Assert.Equal("""{"Id":"p2","Name":"Bob","Email":"bob@example.com"}""", MessagePackSerializer.ConvertToJson(bytes));
        Assert.Equal("p2|Bob|Age=-1", versionA.Call("Evolution.Probe", "Read", bytes));
    }

    private static CompiledAssembly Load(string assemblyName, string entity) =>
        CompiledAssembly.Load(TestCompilation.Create(assemblyName, Array.Empty<MetadataReference>(), $$"""
            using StateLog;

            namespace Evolution;

            {{entity}}

            public static class Probe
            {
                public static byte[] Write() => MessagePack.MessagePackSerializer.Serialize(Person.Sample(), PersonFormatter.Options);

                public static string Read(byte[] bytes) => MessagePack.MessagePackSerializer.Deserialize<Person>(bytes, PersonFormatter.Options).Describe();
            }
            """));
}
