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
    public void VersionB_ReadsVersionA_AddedMemberKeepsDefault_RemovedIgnored(string a, string b) =>
        AssertExchange(a, b, """{"Id":"p1","Name":"Ada","Age":36}""", "p1|Ada|Email=none");

    [Theory]
    [InlineData(ClassB, ClassA)]
    [InlineData(RecordB, RecordA)]
    public void VersionA_ReadsVersionB_RemovedMemberKeepsDefault_AddedIgnored(string b, string a) =>
        AssertExchange(b, a, """{"Id":"p2","Name":"Bob","Email":"bob@example.com"}""", "p2|Bob|Age=-1");

    /// <summary>The <paramref name="writer"/> version's sample, as JSON, and as the <paramref name="reader"/> version reads it.</summary>
    private static void AssertExchange(string writer, string reader, string writtenJson, string readBack)
    {
        using var writing = Load("EvolutionWriter", writer);
        using var reading = Load("EvolutionReader", reader);

        var bytes = (byte[])writing.Call("Evolution.Probe", "Write")!;

        Assert.Equal(writtenJson, MessagePackSerializer.ConvertToJson(bytes));
        Assert.Equal(readBack, reading.Call("Evolution.Probe", "Read", bytes));
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
