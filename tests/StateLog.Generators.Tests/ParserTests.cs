using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StateLog.Generators.Parsing;
using StateLog.Generators.Parsing.Model;
using StateLog.Generators.Tests.Infrastructure;

namespace StateLog.Generators.Tests;

/// <summary>Each problem id for a minimal case: location (the <c>[|...|]</c> span), arguments, and whether it blocks generation.</summary>
public sealed class ParserTests
{
    private const string Usings = "using System; using System.Collections.Generic; using StateLog;\n";

    public static IEnumerable<object[]> Problems() => new[]
    {
        Case(ProblemIds.NoKey, true, """
            [CompactedTopic("orders")]
            public sealed class [|Order|] { public string Id { get; init; } = ""; }
            """, "Order"),
        Case(ProblemIds.MultipleKeys, true, """
            [CompactedTopic("orders")]
            public sealed class Order { [Key] public string Id { get; init; } = ""; [Key] public string [|Other|] { get; init; } = ""; }
            """, "Order", "Other", "Id"),
        Case(ProblemIds.UnsupportedKeyType, true, """
            [CompactedTopic("orders")]
            public sealed record Order([Key] decimal [|Id|], string Name);
            """, "Order", "Id", "decimal"),
        Case(ProblemIds.InvalidTopicName, true, """
            [CompactedTopic([|"bad/name"|])]
            public sealed record Order([Key] string Id);
            """, "Order", "bad/name", "A topic name may contain only ASCII letters, digits, '.', '_' and '-', but 'bad/name' contains '/'."),
        Case(ProblemIds.InaccessibleEntity, true, """
            public static class Outer
            {
                [CompactedTopic("orders")]
                private sealed record [|Order|]([Key] string Id);
            }
            """, "Outer.Order"),
        Case(ProblemIds.GenericEntity, true, """
            [CompactedTopic("orders")]
            public sealed class [|Order|]<T> { [Key] public string Id { get; init; } = ""; }
            """, "Order<T>"),
        Case(ProblemIds.GenericEntity, true, """
            public static class Outer<T>
            {
                [CompactedTopic("orders")]
                public sealed record [|Order|]([Key] string Id);
            }
            """, "Outer<T>.Order"),
        Case(ProblemIds.InvalidPartitions, true, """
            [CompactedTopic("orders", [|Partitions = 0|])]
            public sealed record Order([Key] string Id);
            """, "Order", "0"),
        Case(ProblemIds.UnserializableMember, true, """
            [CompactedTopic("orders")]
            public sealed record Order([Key] string Id, Uri [|Home|]);
            """, "Order", "Home", "Uri"),
        Case(ProblemIds.UnserializableMember, true, """
            public sealed class Address { public object? [|Bag|] { get; set; } }

            [CompactedTopic("orders")]
            public sealed record Order([Key] string Id, List<Address> Addresses);
            """, "Address", "Bag", "object?"),
        Case(ProblemIds.DuplicateWireName, true, """
            [CompactedTopic("orders")]
            public sealed class Order
            {
                [Key] public string Id { get; init; } = "";
                [Field("n")] public string A = "";
                [Field("n")] public string [|B|] = "";
            }
            """, "Order", "B", "A", "n"),
        Case(ProblemIds.MessagePackKey, false, """
            [CompactedTopic("orders")]
            public sealed class Order { [[|MessagePack.Key(0)|]] public string Id { get; init; } = ""; }
            """, "Order", "Id"),
        Case(ProblemIds.MutableKey, false, """
            [CompactedTopic("orders")]
            public sealed class Order { [System.ComponentModel.DataAnnotations.Key] public string [|Id|] { get; set; } = ""; }
            """, "Order", "Id"),
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void Problem_HasLocationAndArgs(string id, bool blocks, string markup, string[] args)
    {
        var (source, spans) = Markup.Parse(Usings + markup);
        var result = Parse(source);

        var problem = Assert.Single(result.Problems, p => p.Id == id);
        Assert.Equal(spans.Single(), problem.Location.SourceSpan);
        Assert.Equal(args, problem.Args.ToArray());
        Assert.Equal(blocks, problem.BlocksGeneration);
        Assert.Equal(blocks || result.Problems.Any(p => p.BlocksGeneration), result.Model is null);
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void BlockingProblem_GeneratesNothingAndReportsNothing(string id, bool blocks, string markup, string[] args)
    {
        _ = (id, args);
        var (source, _) = Markup.Parse(Usings + markup);
        var (_, result, _) = GeneratorHarness.Run(TestCompilation.Create(source));

        var blocked = blocks || Parse(source).Problems.Any(p => p.BlocksGeneration);
        Assert.Equal(blocked, result.GeneratedSources.IsEmpty);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void MutableKey_StillGenerates()
    {
        var result = Parse(Usings + """
            [CompactedTopic("orders")]
            public sealed class Order { [Key] public int Id { get; set; } }
            """);

        Assert.Equal(ProblemIds.MutableKey, Assert.Single(result.Problems).Id);
        Assert.Equal(KeyKind.Int32, result.Model!.KeyKind);
    }

    [Fact]
    public void KeyOnField_DataAnnotations_IsAccepted()
    {
        var result = Parse(Usings + """
            [CompactedTopic("orders")]
            public sealed class Order { [System.ComponentModel.DataAnnotations.Key] public readonly Guid Id; public Order(Guid id) => Id = id; }
            """);

        Assert.Empty(result.Problems);
        Assert.Equal(("Id", KeyKind.Guid), (result.Model!.KeyMember, result.Model.KeyKind));
        Assert.Equal(MemberAssignment.Constructor, result.Model.Objects[0].Members.Single().Assignment);
    }

    [Fact]
    public void FieldOnPositionalParameter_RenamesTheWireName()
    {
        var result = Parse(Usings + """
            [CompactedTopic("orders")]
            public sealed record Order([Key][Field("id")] string OrderId, [Field("qty")] int Quantity);
            """);

        Assert.Empty(result.Problems);
        Assert.Equal(new[] { ("OrderId", "id"), ("Quantity", "qty") }, result.Model!.Objects[0].Members.Select(m => (m.Name, m.WireName)));
    }

    [Fact]
    public void Model_ListsMembersBaseFirst_AndSkipsComputedOnes()
    {
        var result = Parse(Usings + """
            public abstract class Entity { [Key] public string Id { get; init; } = ""; }

            [CompactedTopic("orders", Partitions = 4)]
            public sealed class Order : Entity
            {
                [Field("total")] public decimal Amount { get; set; }
                public string Label => Id + Amount;
            }
            """);

        var model = result.Model!;
        Assert.Equal(("orders", "4", "Order.StateLog.g.cs", true), (model.TopicName, model.Partitions, model.HintName, model.IsPublic));
        Assert.Equal(new[] { ("Id", "Id"), ("Amount", "total") }, model.Objects[0].Members.Select(m => (m.Name, m.WireName)));
    }

    private static ParseResult Parse(string source)
    {
        var compilation = TestCompilation.Create(source);
        var tree = compilation.SyntaxTrees.Single();
        var semantics = compilation.GetSemanticModel(tree);
        var (type, attribute) = tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()
            .Select(t => (INamedTypeSymbol)semantics.GetDeclaredSymbol(t)!)
            .Select(t => (Type: t, Attribute: t.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypeNames.CompactedTopicAttribute)))
            .Single(t => t.Attribute is not null);
        return EntityParser.Parse(type, attribute!, default);
    }

    private static object[] Case(string id, bool blocks, string markup, params string[] args) => new object[] { id, blocks, markup, args };
}
