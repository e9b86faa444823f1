using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using StateLog.Generators.Parsing;
using StateLog.Generators.Parsing.Model;

namespace StateLog.Generators.Model;

/// <summary>The compilation facts the registrar needs, taken out of the compilation before they enter the pipeline.</summary>
/// <param name="RegistrarName">This assembly's registrar class name (<c>StateLogTopics_&lt;SanitizedAssemblyName&gt;</c>).</param>
/// <param name="ReferencedRegistrars">The fully qualified registrars named by referenced assemblies' <c>[StateLogTopicsAssembly]</c>.</param>
internal sealed record AssemblyModel(string RegistrarName, EquatableArray<string> ReferencedRegistrars)
{
    public static AssemblyModel From(Compilation compilation, CancellationToken ct)
    {
        var registrars = compilation.SourceModule.ReferencedAssemblySymbols
            .SelectMany(assembly =>
            {
                ct.ThrowIfCancellationRequested();
                return assembly.GetAttributes();
            })
            .Where(a => a.AttributeClass is { Name: "StateLogTopicsAssemblyAttribute" } type
                && type.ToDisplayString() == KnownTypeNames.StateLogTopicsAssemblyAttribute)
            .Select(a => a.ConstructorArguments.FirstOrDefault().Value)
            .OfType<INamedTypeSymbol>()
            .Select(t => t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))
            .Distinct()
            .OrderBy(n => n, System.StringComparer.Ordinal);
        return new AssemblyModel("StateLogTopics_" + Sanitize(compilation.AssemblyName ?? ""), new EquatableArray<string>(registrars));
    }

    /// <summary>The assembly name as an identifier: every character outside [A-Za-z0-9_] becomes '_'.</summary>
    private static string Sanitize(string assemblyName)
    {
        var chars = assemblyName.Select(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') ? c : '_').ToArray();
        return new string(chars);
    }
}
