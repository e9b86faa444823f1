using System;
using System.Linq;
using StateLog.Generators.Parsing.Model;

namespace StateLog.Generators.Emitting;

/// <summary>
/// Writes the MessagePack formatter of an entity: a string-keyed map whose reader skips unknown keys and keeps defaults
/// for missing ones, nested formatters for the user types it reaches, and an AOT-safe resolver that knows them all.
/// Each formatter reads through StateLog's <c>MessagePackSpanReader</c> (stored values are contiguous); its
/// <c>MessagePackReader</c> overload, for MessagePack's own callers, hands over to that.
/// </summary>
internal static class FormatterEmitter
{
    private const string Formatters = "global::MessagePack.Formatters.";
    private const string Options = "global::MessagePack.MessagePackSerializerOptions";
    private const string SpanFormatter = "global::StateLog.Serialization.IMessagePackSpanFormatter";
    private const string SpanReader = "global::StateLog.Serialization.MessagePackSpanReader";

    public static void WriteEntityFormatter(SourceWriter writer, EntityModel model)
    {
        var entity = model.Objects[0];
        writer
            .Line($"/// <summary>Writes <see cref=\"{entity.TypeName}\"/> as a string-keyed MessagePack map; reading skips unknown keys and keeps defaults for missing ones.</summary>")
            .Line(GeneratedCode.Attribute)
            .Open($"{(model.IsPublic ? "public" : "internal")} sealed class {entity.FormatterName} : {SpanFormatter}<{entity.TypeName}>")
            .Line("/// <summary>The formatter.</summary>")
            .Line($"public static readonly {entity.FormatterName} Instance = new {entity.FormatterName}();")
            .Line()
            // Not Standard.WithResolver: MessagePack's StandardResolver sets up its dynamic-code resolvers on first use
            // (about 60 methods compiled, a dynamic assembly factory), which these options never ask.
            .Line("/// <summary>Options whose resolver knows every type the members need, without dynamic code.</summary>")
            .Line($"public static {Options} Options {{ get; }} = new {Options}(Resolver.Instance);")
            .Line();
        WriteBody(writer, entity);
        foreach (var nested in model.Objects.Skip(1))
        {
            writer.Line().Open($"private sealed class {nested.FormatterName} : {SpanFormatter}<{nested.TypeName}>");
            WriteBody(writer, nested);
            writer.Close();
        }

        writer.Line();
        WriteResolver(writer, model.Formatters);
        writer.Close();
    }

    private static void WriteBody(SourceWriter writer, ObjectModel type)
    {
        foreach (var member in type.Members)
        {
            writer.Line($"private static readonly byte[] {member.Name}Key = global::System.Text.Encoding.UTF8.GetBytes({GeneratedCode.Literal(member.WireName)});");
        }

        writer.Line();
        WriteSerialize(writer, type);
        writer.Line();
        WriteDeserialize(writer, type);
    }

    private static void WriteSerialize(SourceWriter writer, ObjectModel type)
    {
        writer
            .Line("/// <inheritdoc/>")
            .Open($"public void Serialize(ref global::MessagePack.MessagePackWriter writer, {type.TypeName} value, {Options} options)");
        if (!type.IsValueType)
        {
            writer.Open("if (value is null)").Line("writer.WriteNil();").Line("return;").Close().Line();
        }

        writer.Line($"writer.WriteMapHeader({type.Members.Count});");
        foreach (var member in type.Members)
        {
            var access = "value." + GeneratedCode.Identifier(member.Name);
            writer.Line($"writer.WriteString({member.Name}Key);");
            writer.Line(Write(member, access));
        }

        writer.Close();
    }

    private static void WriteDeserialize(SourceWriter writer, ObjectModel type)
    {
        writer
            .Line("/// <inheritdoc/>")
            .Line($"public {type.TypeName} Deserialize(ref global::MessagePack.MessagePackReader reader, {Options} options) =>")
            .Line($"    {SpanReader}.Deserialize(ref reader, options, this);")
            .Line()
            .Line("/// <inheritdoc/>")
            .Open($"public {type.TypeName} Deserialize(ref {SpanReader} reader, {Options} options)");
        if (!type.IsValueType)
        {
            writer.Open("if (reader.TryReadNil())").Line("return null!;").Close().Line();
        }

        writer.Line("reader.DepthStep(options);");
        foreach (var member in type.Members)
        {
            writer.Line($"{member.TypeName} __{member.Name} = {member.DefaultValue};");
        }

        var kept = type.Members.Where(m => m.Assignment == MemberAssignment.Initializer).ToList();
        foreach (var member in kept)
        {
            writer.Line($"var _set{member.Name} = false;");
        }

        writer
            .Line("var _count = reader.ReadMapHeader();")
            .Open("for (var _index = 0; _index < _count; _index++)")
            .Line("var _key = reader.ReadStringSpan();");
        var first = true;
        foreach (var member in type.Members)
        {
            writer.Open($"{(first ? "" : "else ")}if (global::System.MemoryExtensions.SequenceEqual(_key, {member.Name}Key))");
            writer.Line($"__{member.Name} = {Read(member)};");
            if (member.Assignment == MemberAssignment.Initializer)
            {
                writer.Line($"_set{member.Name} = true;");
            }

            writer.Close();
            first = false;
        }

        if (first)
        {
            writer.Line("reader.Skip();");
        }
        else
        {
            writer.Open("else").Line("reader.Skip(); // a member this version does not have").Close();
        }

        writer.Close().Line().Line("reader.Depth--;");
        var construct = Construction(type);
        if (kept.Count > 0)
        {
            // A missing member keeps the value the type gives it: read it from an instance built without it.
            var required = type.Members.Where(m => m.Assignment == MemberAssignment.RequiredInitializer)
                .Select(m => $"{GeneratedCode.Identifier(m.Name)} = {m.DefaultValue}");
            writer.Open($"if ({string.Join(" || ", kept.Select(m => "!_set" + m.Name))})")
                .Line($"var _defaults = {construct}{Initializer(required)};");
            foreach (var member in kept)
            {
                writer.Line($"if (!_set{member.Name}) __{member.Name} = _defaults.{GeneratedCode.Identifier(member.Name)};");
            }

            writer.Close().Line();
        }

        var assignments = type.Members.Where(m => m.Assignment != MemberAssignment.Constructor)
            .Select(m => $"{GeneratedCode.Identifier(m.Name)} = __{m.Name}");
        writer.Line($"return {construct}{Initializer(assignments)};").Close();
    }

    private static string Construction(ObjectModel type) =>
        $"new {type.TypeName}({string.Join(", ", type.ConstructorArguments.Select(a => "__" + a))})";

    private static string Initializer(System.Collections.Generic.IEnumerable<string> assignments)
    {
        var list = string.Join(", ", assignments);
        return list.Length == 0 ? "" : " { " + list + " }";
    }

    private static string Resolve(MemberModel member) =>
        $"global::MessagePack.FormatterResolverExtensions.GetFormatterWithVerify<{member.TypeName}>(options.Resolver)";

    private static string Write(MemberModel member, string access) => member.Kind switch
    {
        _ when member.EnumUnderlyingType is { } underlying => $"writer.Write(({underlying}){access});",
        WireKind.Formatter => $"{Resolve(member)}.Serialize(ref writer, {access}, options);",
        WireKind.DateTimeOffset or WireKind.TimeSpan => $"global::StateLog.Serialization.MessagePackTimeLayouts.Write{member.Kind}(ref writer, {access});",
        _ => $"writer.Write({access});",
    };

    private static string Read(MemberModel member) => member.Kind switch
    {
        _ when member.EnumUnderlyingType is not null => $"({member.TypeName})reader.Read{member.Kind}()",
        WireKind.Formatter => $"reader.Read<{member.TypeName}>(options)",
        WireKind.String => "reader.ReadString()!",
        WireKind.Binary => "reader.ReadBytes()!",
        _ => $"reader.Read{member.Kind}()",
    };

    private static void WriteResolver(SourceWriter writer, EquatableArray<FormatterEntry> entries)
    {
        writer
            .Open("private sealed class Resolver : global::MessagePack.IFormatterResolver")
            .Line("public static readonly Resolver Instance = new Resolver();")
            .Line()
            .Line($"public {Formatters}IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;")
            .Line()
            .Open("private static class Cache<T>")
            .Line($"public static readonly {Formatters}IMessagePackFormatter<T>? Formatter =")
            .Line($"    ({Formatters}IMessagePackFormatter<T>?)Create(typeof(T)) ?? global::MessagePack.Resolvers.BuiltinResolver.Instance.GetFormatter<T>();")
            .Close()
            .Line()
            .Line("// Every type the members reach that the built-in resolver does not know; typeof checks keep it AOT-safe.")
            .Open("private static object? Create(global::System.Type type)");
        foreach (var entry in entries)
        {
            writer.Open($"if (type == typeof({entry.TypeName}))").Line($"return {Create(entry)};").Close().Line();
        }

        writer.Line("return null;").Close().Close();
    }

    private static string Create(FormatterEntry entry) => entry.Kind switch
    {
        FormatterKind.Object => $"new {entry.Argument}()",
        FormatterKind.Enum => $"new {Formatters}GenericEnumFormatter<{entry.TypeName}>()",
        FormatterKind.Nullable => $"new {Formatters}NullableFormatter<{entry.Argument}>()",
        FormatterKind.Array => $"new {Formatters}ArrayFormatter<{entry.Argument}>()",
        FormatterKind.List => $"new {Formatters}ListFormatter<{entry.Argument}>()",
        FormatterKind.ReadOnlyList => $"new {Formatters}InterfaceReadOnlyListFormatter<{entry.Argument}>()",
        FormatterKind.Dictionary => $"new {Formatters}DictionaryFormatter<string, {entry.Argument}>()",
        _ => throw new ArgumentOutOfRangeException(nameof(entry), entry.Kind, null),
    };
}
