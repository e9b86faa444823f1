using Microsoft.CodeAnalysis;

namespace StateLog.Generators.Parsing;

/// <summary>What generated code (a top-level type in the same assembly) can reach.</summary>
internal static class Reachability
{
    /// <summary>Whether <paramref name="symbol"/> itself is reachable from code in <paramref name="within"/>.</summary>
    public static bool IsAccessible(ISymbol symbol, IAssemblySymbol within) => symbol.DeclaredAccessibility switch
    {
        Accessibility.Public => true,
        Accessibility.Internal or Accessibility.ProtectedOrInternal =>
            SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, within),
        _ => false,
    };

    /// <summary>Whether <paramref name="type"/> and every type containing it are reachable, and it is not file-local.</summary>
    public static bool IsTypeAccessible(INamedTypeSymbol type, IAssemblySymbol within)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.IsFileLocal || !IsAccessible(t, within))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="type"/> and every type containing it are public.</summary>
    public static bool IsPublic(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }

        return true;
    }
}
