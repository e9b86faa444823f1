using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace StateLog.Generators.Parsing;

/// <summary>The C# expression a constructor argument gets when its member is missing from a record.</summary>
internal static class DefaultLiteral
{
    /// <summary><c>default</c>, with <c>!</c> for a reference type (the value is overwritten or never read as non-null).</summary>
    public static string Of(ITypeSymbol type) => type.IsValueType ? "default" : "default!";

    /// <summary>The parameter's default value (<c>int x = 5</c>), else <see cref="Of"/> its type.</summary>
    public static string For(IParameterSymbol parameter, string typeName)
    {
        if (!parameter.HasExplicitDefaultValue || parameter.ExplicitDefaultValue is not { } value)
        {
            return Of(parameter.Type);
        }

        return value switch
        {
            string or char or bool => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false),
            double d when double.IsNaN(d) || double.IsInfinity(d) => $"({typeName})(double.{NonFinite(d)})",
            float f when float.IsNaN(f) || float.IsInfinity(f) => $"({typeName})(float.{NonFinite(f)})",
            decimal m => $"({typeName})({m.ToString(CultureInfo.InvariantCulture)}m)",
            _ => $"({typeName})({SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false)})",
        };
    }

    private static string NonFinite(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "PositiveInfinity" : "NegativeInfinity";
}
