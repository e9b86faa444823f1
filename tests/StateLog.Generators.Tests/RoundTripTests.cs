using System;
using MessagePack;
using Microsoft.CodeAnalysis;
using StateLog.Generators.Tests.Infrastructure;

namespace StateLog.Generators.Tests;

/// <summary>
/// The generated formatter writes every supported member type and reads back exactly what it wrote: re-serializing the
/// read value gives the same bytes, and the bytes are the expected string-keyed map.
/// </summary>
public sealed class RoundTripTests
{
    private const string Entity = """
        using System;
        using System.Collections.Generic;
        using StateLog;

        namespace RoundTrip;

        public enum Color : byte { Red = 1, Green = 2 }

        public readonly record struct Point(int X, int Y);

        public sealed class Node
        {
            public string Name { get; set; } = "";
            public List<Node> Children { get; set; } = new();
        }

        [CompactedTopic("everything")]
        public sealed record Everything(
            [Key] Guid Id,
            bool Flag, byte U8, sbyte I8, short I16, ushort U16, int I32, uint U32, long I64, ulong U64,
            float F32, double F64, char Letter, string Text, string? Missing, decimal Money,
            DateTime When, DateTimeOffset WhenLocal, TimeSpan Took, DateTimeOffset? MaybeWhenLocal, TimeSpan? MaybeTook,
            Color Color, Color? MaybeColor, int? MaybeInt, Point Where, Point? MaybeWhere,
            int[] Numbers, string[] Words, byte[] Blob,
            List<Point> Path, Dictionary<string, Color> Palette, IReadOnlyList<long> Ticks,
            Node Tree)
        {
            public static Everything Sample() => new(
                new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
                true, 200, -100, -30000, 60000, -2000000000, 4000000000, -9000000000000000000, 18000000000000000000,
                1.5f, -2.25, 'λ', "hello", null, 12345.6789m,
                new DateTime(2026, 11, 25, 19, 0, 0, DateTimeKind.Utc), new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.FromHours(2)),
                TimeSpan.FromMilliseconds(1500), new DateTimeOffset(2026, 11, 25, 14, 30, 0, TimeSpan.FromMinutes(-330)), null,
                Color.Green, Color.Red, 7, new Point(1, 2), new Point(3, 4),
                new[] { 1, 2, 3 }, new[] { "a", "b" }, new byte[] { 0xCA, 0xFE },
                new List<Point> { new(5, 6) }, new Dictionary<string, Color> { ["sky"] = Color.Green }, new[] { 10L, 20L },
                new Node { Name = "root", Children = { new Node { Name = "leaf" } } });
        }

        public static class Probe
        {
            public static byte[] Write() => MessagePack.MessagePackSerializer.Serialize(Everything.Sample(), EverythingFormatter.Options);

            public static byte[] Reserialize(byte[] bytes) => MessagePack.MessagePackSerializer.Serialize(
                MessagePack.MessagePackSerializer.Deserialize<Everything>(bytes, EverythingFormatter.Options), EverythingFormatter.Options);

            public static bool ReadsNil() => MessagePack.MessagePackSerializer.Deserialize<Everything>(new byte[] { 0xC0 }, EverythingFormatter.Options) is null;
        }
        """;

    [Fact]
    public void EverySupportedMemberType_RoundTrips()
    {
        using var assembly = CompiledAssembly.Load(TestCompilation.Create("RoundTrip", Array.Empty<MetadataReference>(), Entity));

        var bytes = (byte[])assembly.Call("RoundTrip.Probe", "Write")!;
        var again = (byte[])assembly.Call("RoundTrip.Probe", "Reserialize", bytes)!;

        Assert.Equal(bytes, again);
        var expected = """
            {"Id":"0f8fad5b-d9cb-469f-a165-70867728950e","Flag":true,"U8":200,"I8":-100,"I16":-30000,"U16":60000,"I32":-2000000000,"U32":4000000000,
            "I64":-9000000000000000000,"U64":18000000000000000000,"F32":1.5,"F64":-2.25,"Letter":955,"Text":"hello","Missing":null,"Money":"12345.6789",
            "When":"2026-11-25T19:00:00.0000000Z","WhenLocal":["2026-11-25T21:00:00.0000000Z",120],"Took":15000000,
            "MaybeWhenLocal":["2026-11-25T14:30:00.0000000Z",-330],"MaybeTook":null,
            "Color":2,"MaybeColor":1,"MaybeInt":7,"Where":{"X":1,"Y":2},"MaybeWhere":{"X":3,"Y":4},
            "Numbers":[1,2,3],"Words":["a","b"],"Blob":"yv4=","Path":[{"X":5,"Y":6}],"Palette":{"sky":2},"Ticks":[10,20],
            "Tree":{"Name":"root","Children":[{"Name":"leaf","Children":[]}]}}
            """.Replace("\n", "");
        Assert.Equal(expected, MessagePackSerializer.ConvertToJson(bytes));
    }

    [Fact]
    public void Nil_ReadsAsNull()
    {
        using var assembly = CompiledAssembly.Load(TestCompilation.Create("RoundTripNil", Array.Empty<MetadataReference>(), Entity));

        Assert.Equal(true, assembly.Call("RoundTrip.Probe", "ReadsNil"));
    }

    [Fact]
    public void EmptyMap_GivesEachMissingMemberItsDefault()
    {
        using var assembly = CompiledAssembly.Load(TestCompilation.Create("Defaults", Array.Empty<MetadataReference>(), """
            using StateLog;

            namespace Defaults;

            public enum Color { Red = 1, Green = 2 }

            [CompactedTopic("defaults")]
            public sealed record WithDefaults(
                [Key] string Id = "none", int A = -5, long B = 5, double C = double.NaN, float D = 1.5f, decimal E = 1.25m,
                string F = "q\"t", char G = '\'', Color H = Color.Green, int? I = null, Color? J = Color.Red, string? K = null)
            {
                public int Settable { get; set; } = 42;
                public string Init { get; init; } = "kept";
                public string Plain { get; set; } = "";
            }

            public static class Probe
            {
                public static string ReadEmpty() => MessagePack.MessagePackSerializer.Deserialize<WithDefaults>(new byte[] { 0x80 }, WithDefaultsFormatter.Options).ToString();
            }
            """));

        Assert.Equal(
            "WithDefaults { Id = none, A = -5, B = 5, C = NaN, D = 1.5, E = 1.25, F = q\"t, G = ', H = Green, I = , J = Red, K = , Settable = 42, Init = kept, Plain =  }",
            assembly.Call("Defaults.Probe", "ReadEmpty"));
    }
}
