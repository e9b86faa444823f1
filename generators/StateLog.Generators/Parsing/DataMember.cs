using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StateLog.Generators.Parsing;

/// <summary>
/// A readable instance property or field that generated code can reach, with the facts the parser needs about it.
/// Parser-internal: holds symbols, so it never leaves <see cref="EntityParser"/>.
/// </summary>
internal sealed class DataMember
{
    private DataMember(ISymbol symbol, ITypeSymbol type, IParameterSymbol? positionalParameter)
    {
        Symbol = symbol;
        Type = type;
        Attributes = positionalParameter is null
            ? symbol.GetAttributes()
            : symbol.GetAttributes().AddRange(positionalParameter.GetAttributes());
        Location = positionalParameter?.Locations.FirstOrDefault() ?? symbol.Locations.FirstOrDefault() ?? Location.None;
    }

    public ISymbol Symbol { get; }

    public string Name => Symbol.Name;

    public ITypeSymbol Type { get; }

    /// <summary>The member's attributes plus, for a positional-record property, its parameter's.</summary>
    public ImmutableArray<AttributeData> Attributes { get; }

    /// <summary>The member's identifier (the parameter's, for a positional-record property).</summary>
    public Location Location { get; }

    /// <summary>Whether code outside the type may assign the member after construction (a non-init setter or a writable field).</summary>
    public bool IsMutable => Symbol switch
    {
        IPropertySymbol p => p.SetMethod is { IsInitOnly: false },
        IFieldSymbol f => !f.IsReadOnly,
        _ => false,
    };

    /// <summary>Whether generated code can assign the member in an object initializer.</summary>
    public bool IsAssignable(IAssemblySymbol within) => Symbol switch
    {
        IPropertySymbol p => p.SetMethod is { } set && Reachability.IsAccessible(set, within),
        IFieldSymbol f => !f.IsReadOnly,
        _ => false,
    };

    public bool IsRequired => Symbol is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true };

    public AttributeData? FindAttribute(string metadataName) =>
        Attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == metadataName);

    /// <summary>
    /// The data members of <paramref name="type"/> and its base types, base first, each in declaration order.
    /// Hidden and overridden base members appear once, as the most derived declaration.
    /// </summary>
    public static IReadOnlyList<DataMember> Collect(INamedTypeSymbol type, IAssemblySymbol within, CancellationToken ct)
    {
        var seen = new HashSet<string>();
        var perType = new List<List<DataMember>>();
        for (var t = type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
        {
            ct.ThrowIfCancellationRequested();
            var primary = PrimaryConstructor(t, ct);
            var own = new List<DataMember>();
            foreach (var member in t.GetMembers())
            {
                if (member.IsStatic || !seen.Add(member.Name) || From(member, primary, within, ct) is not { } data)
                {
                    continue;
                }

                own.Add(data);
            }

            perType.Add(own.OrderBy(m => m.Symbol.Locations.FirstOrDefault()?.SourceTree?.FilePath ?? "")
                .ThenBy(m => m.Symbol.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0)
                .ToList());
        }

        perType.Reverse();
        return perType.SelectMany(m => m).ToList();
    }

    private static DataMember? From(ISymbol member, IMethodSymbol? primary, IAssemblySymbol within, CancellationToken ct)
    {
        switch (member)
        {
            case IPropertySymbol { IsIndexer: false, GetMethod: { } get } property
                when Reachability.IsAccessible(property, within) && Reachability.IsAccessible(get, within):
                var positional = primary is not null && property.DeclaringSyntaxReferences.Any(r => r.GetSyntax(ct) is ParameterSyntax)
                    ? primary.Parameters.FirstOrDefault(p => p.Name == property.Name)
                    : null;
                return new DataMember(property, property.Type, positional);
            case IFieldSymbol { AssociatedSymbol: null, IsConst: false, IsImplicitlyDeclared: false } field
                when Reachability.IsAccessible(field, within):
                return new DataMember(field, field.Type, null);
            default:
                return null;
        }
    }

    /// <summary>A record's primary constructor, whose parameters carry the attributes written on positional members.</summary>
    private static IMethodSymbol? PrimaryConstructor(INamedTypeSymbol type, CancellationToken ct) =>
        type.IsRecord
            ? type.InstanceConstructors.FirstOrDefault(c => c.DeclaringSyntaxReferences.Any(r => r.GetSyntax(ct) is TypeDeclarationSyntax))
            : null;
}
