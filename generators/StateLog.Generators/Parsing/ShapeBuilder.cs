using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using StateLog.Generators.Parsing.Model;

namespace StateLog.Generators.Parsing;

/// <summary>
/// Builds the wire shape of an entity: its object model, those of the user types its members reach (transitively), and
/// the formatter entries of the generated resolver. Reports SLOG020 and SLOG021 into the shared problem list.
/// </summary>
internal sealed class ShapeBuilder
{
    /// <summary>Fully qualified, with nullable annotations: for members and locals.</summary>
    public static readonly SymbolDisplayFormat AnnotatedFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Short names for messages (<c>List&lt;Uri&gt;</c>).</summary>
    public static readonly SymbolDisplayFormat MessageFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    /// <summary>A type with its containing types (<c>Outer.Inner</c>), for messages.</summary>
    public static readonly SymbolDisplayFormat TypeFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    private readonly IAssemblySymbol _within;
    private readonly List<ParseProblem> _problems;
    private readonly CancellationToken _ct;
    private readonly List<ObjectModel?> _objects = new();
    private readonly Dictionary<string, int> _objectIndex = new(StringComparer.Ordinal);
    private readonly HashSet<string> _formatterNames = new(StringComparer.Ordinal);
    private readonly List<FormatterEntry> _formatters = new();
    private readonly HashSet<string> _formatterTypes = new(StringComparer.Ordinal);

    public ShapeBuilder(IAssemblySymbol within, List<ParseProblem> problems, CancellationToken ct)
    {
        _within = within;
        _problems = problems;
        _ct = ct;
    }

    /// <summary>The entity first, then the user types it reaches; complete once <see cref="AddEntity"/> returned true.</summary>
    public IEnumerable<ObjectModel> Objects => _objects.Where(o => o is not null)!;

    public IReadOnlyList<FormatterEntry> Formatters => _formatters;

    /// <summary>Adds the entity's shape; false when no constructor can build it (the caller reports that).</summary>
    public bool AddEntity(INamedTypeSymbol entity, IReadOnlyList<DataMember> members, string formatterName, Location location) =>
        AddObject(entity, members, formatterName, location);

    private bool AddObject(INamedTypeSymbol type, IReadOnlyList<DataMember> members, string formatterName, Location fallback)
    {
        if (ChooseConstructor(type, members) is not { } constructor)
        {
            return false;
        }

        var typeName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        _formatterNames.Add(formatterName);
        _objectIndex[typeName] = _objects.Count;
        _objects.Add(null);
        AddFormatter(typeName, FormatterKind.Object, formatterName);
        _objects[_objectIndex[typeName]] = BuildObject(type, members, constructor, typeName, formatterName, fallback);
        return true;
    }

    private ObjectModel BuildObject(
        INamedTypeSymbol type, IReadOnlyList<DataMember> members, IMethodSymbol constructor, string typeName, string formatterName, Location fallback)
    {
        var display = type.ToDisplayString(TypeFormat);
        var wire = new List<MemberModel>();
        var wireNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var arguments = new string[constructor.Parameters.Length];
        foreach (var member in members)
        {
            _ct.ThrowIfCancellationRequested();
            var parameter = constructor.Parameters.FirstOrDefault(p => Matches(p, member));
            MemberAssignment assignment;
            if (parameter is not null)
            {
                assignment = MemberAssignment.Constructor;
                arguments[parameter.Ordinal] = member.Name;
            }
            else if (member.IsAssignable(_within))
            {
                assignment = member.IsRequired ? MemberAssignment.RequiredInitializer : MemberAssignment.Initializer;
            }
            else
            {
                continue; // computed or privately set: nothing to restore, so nothing to write
            }

            var location = member.Location.IsInSource ? member.Location : fallback;
            var wireName = member.FindAttribute(KnownTypeNames.FieldAttribute)?.ConstructorArguments.FirstOrDefault().Value as string ?? member.Name;
            if (wireNames.TryGetValue(wireName, out var other))
            {
                Report(ProblemIds.DuplicateWireName, location, display, member.Name, other, wireName);
                continue;
            }

            wireNames.Add(wireName, member.Name);

            // An enum member is its underlying integer on the wire, as MessagePack's enum formatter writes it.
            var underlying = member.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType ? enumType.EnumUnderlyingType : null;
            if (Classify(underlying ?? member.Type, location) is not { } kind)
            {
                Report(ProblemIds.UnserializableMember, location, display, member.Name, member.Type.ToDisplayString(MessageFormat));
                continue;
            }

            var memberType = member.Type.ToDisplayString(AnnotatedFormat);
            var defaultValue = parameter is null ? DefaultLiteral.Of(member.Type) : DefaultLiteral.For(parameter, memberType);
            wire.Add(new MemberModel(member.Name, wireName, memberType, kind, assignment, defaultValue, underlying?.ToDisplayString()));
        }

        return new ObjectModel(
            typeName, formatterName, type.IsValueType, new EquatableArray<MemberModel>(wire), new EquatableArray<string>(arguments));
    }

    /// <summary>How a value of <paramref name="type"/> is written, or <see langword="null"/> when it cannot be.</summary>
    private WireKind? Classify(ITypeSymbol type, Location fallback)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean: return WireKind.Boolean;
            case SpecialType.System_Byte: return WireKind.Byte;
            case SpecialType.System_SByte: return WireKind.SByte;
            case SpecialType.System_Int16: return WireKind.Int16;
            case SpecialType.System_UInt16: return WireKind.UInt16;
            case SpecialType.System_Int32: return WireKind.Int32;
            case SpecialType.System_UInt32: return WireKind.UInt32;
            case SpecialType.System_Int64: return WireKind.Int64;
            case SpecialType.System_UInt64: return WireKind.UInt64;
            case SpecialType.System_Single: return WireKind.Single;
            case SpecialType.System_Double: return WireKind.Double;
            case SpecialType.System_Char: return WireKind.Char;
            case SpecialType.System_String: return WireKind.String;
            case SpecialType.System_DateTime: return WireKind.DateTime;
            case SpecialType.System_Decimal: return WireKind.Formatter; // MessagePack's built-in resolver
        }

        if (type is IArrayTypeSymbol array)
        {
            if (array.Rank != 1)
            {
                return null;
            }

            return array.ElementType.SpecialType == SpecialType.System_Byte
                ? WireKind.Binary
                : Composite(type, FormatterKind.Array, array.ElementType, fallback);
        }

        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            AddFormatter(named.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), FormatterKind.Enum, "");
            return WireKind.Formatter;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return Composite(type, FormatterKind.Nullable, named.TypeArguments[0], fallback);
        }

        switch (MetadataName(named.OriginalDefinition))
        {
            case KnownTypeNames.List:
                return Composite(type, FormatterKind.List, named.TypeArguments[0], fallback);
            case KnownTypeNames.ReadOnlyList:
                return Composite(type, FormatterKind.ReadOnlyList, named.TypeArguments[0], fallback);
            case KnownTypeNames.Dictionary:
                return named.TypeArguments[0].SpecialType == SpecialType.System_String
                    ? Composite(type, FormatterKind.Dictionary, named.TypeArguments[1], fallback)
                    : null;
            case KnownTypeNames.DateTimeOffset:
                return WireKind.DateTimeOffset;
            case KnownTypeNames.TimeSpan:
                return WireKind.TimeSpan;
            case KnownTypeNames.Guid:
                return WireKind.Formatter; // MessagePack's built-in resolver
        }

        return IsUserObject(named) && AddUserObject(named, fallback) ? WireKind.Formatter : null;
    }

    private WireKind? Composite(ITypeSymbol type, FormatterKind kind, ITypeSymbol element, Location fallback)
    {
        if (Classify(element, fallback) is null)
        {
            return null;
        }

        AddFormatter(
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), kind, element.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
        return WireKind.Formatter;
    }

    private bool AddUserObject(INamedTypeSymbol type, Location fallback)
    {
        if (_objectIndex.ContainsKey(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)))
        {
            return true; // done, or in progress further up a recursive type
        }

        var formatterName = type.Name + "Formatter";
        for (var i = 2; _formatterNames.Contains(formatterName); i++)
        {
            formatterName = type.Name + "Formatter" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return AddObject(type, DataMember.Collect(type, _within, _ct), formatterName, fallback);
    }

    /// <summary>A concrete, non-generic class or struct of the application (not a framework type) that generated code can reach.</summary>
    private bool IsUserObject(INamedTypeSymbol type)
    {
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type.IsAbstract || type.IsStatic
            || !Reachability.IsTypeAccessible(type, _within))
        {
            return false;
        }

        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.IsGenericType)
            {
                return false;
            }
        }

        var root = type.ContainingNamespace;
        while (root is { ContainingNamespace.IsGlobalNamespace: false })
        {
            root = root.ContainingNamespace;
        }

        return root is null || root.IsGlobalNamespace || root.Name is not ("System" or "Microsoft");
    }

    /// <summary>
    /// The reachable constructor with the most parameters whose parameters all match members by name (any case) and
    /// type; a copy constructor never counts.
    /// </summary>
    private IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, IReadOnlyList<DataMember> members)
    {
        if (type.IsAbstract || type.IsStatic || type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            return null;
        }

        IMethodSymbol? best = null;
        foreach (var constructor in type.InstanceConstructors)
        {
            var isCopy = constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);
            if (!isCopy && Reachability.IsAccessible(constructor, _within)
                && constructor.Parameters.All(p => members.Any(m => Matches(p, m)))
                && (best is null || constructor.Parameters.Length > best.Parameters.Length))
            {
                best = constructor;
            }
        }

        return best;
    }

    private static bool Matches(IParameterSymbol parameter, DataMember member) =>
        string.Equals(parameter.Name, member.Name, StringComparison.OrdinalIgnoreCase)
        && SymbolEqualityComparer.Default.Equals(parameter.Type, member.Type);

    private void AddFormatter(string typeName, FormatterKind kind, string argument)
    {
        if (_formatterTypes.Add(typeName))
        {
            _formatters.Add(new FormatterEntry(typeName, kind, argument));
        }
    }

    private void Report(string id, Location location, params string[] args) =>
        _problems.Add(new ParseProblem(id, location, ImmutableArray.Create(args), BlocksGeneration: true));

    private static string MetadataName(INamedTypeSymbol type) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;
}
