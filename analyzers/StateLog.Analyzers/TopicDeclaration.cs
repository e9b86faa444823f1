using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using StateLog.Generators.Parsing;

namespace StateLog.Analyzers;

/// <summary>One <c>[CompactedTopic("name")]</c> use, as collected for the duplicate-name checks (SLOG005, SLOG009).</summary>
internal sealed class TopicDeclaration
{
    private TopicDeclaration(string name, string typeName, Location location)
    {
        Name = name;
        TypeName = typeName;
        Location = location;
    }

    public string Name { get; }

    public string TypeName { get; }

    /// <summary>The attribute's name argument.</summary>
    public Location Location { get; }

    /// <summary>The declaration, or <see langword="null"/> when the name is not a constant string in source.</summary>
    public static TopicDeclaration? From(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
    {
        if (attribute.ConstructorArguments.Length != 1
            || attribute.ConstructorArguments[0].Value is not string name
            || attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax { ArgumentList.Arguments.Count: > 0 } syntax)
        {
            return null;
        }

        return new TopicDeclaration(name, type.ToDisplayString(ShapeBuilder.TypeFormat), syntax.ArgumentList.Arguments[0].GetLocation());
    }

    /// <summary>
    /// Reports every declaration of a name after the first (SLOG005), and every name after the first that differs from
    /// it only in letter case (SLOG009). "First" is by file path, then position, so the result does not depend on the
    /// order in which types were analyzed.
    /// </summary>
    public static void ReportDuplicates(CompilationAnalysisContext context, IEnumerable<TopicDeclaration> topics)
    {
        foreach (var group in topics.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase))
        {
            var ordered = group
                .OrderBy(t => t.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(t => t.Location.SourceSpan.Start)
                .ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var declaration = ordered[i];
                var sameName = ordered.Take(i).FirstOrDefault(t => string.Equals(t.Name, declaration.Name, StringComparison.Ordinal));
                context.ReportDiagnostic(sameName is not null
                    ? Diagnostic.Create(DiagnosticDescriptors.DuplicateTopicName, declaration.Location, declaration.TypeName, declaration.Name, sameName.TypeName)
                    : Diagnostic.Create(DiagnosticDescriptors.TopicNameCaseCollision, declaration.Location, declaration.TypeName, declaration.Name, ordered[0].Name, ordered[0].TypeName));
            }
        }
    }
}
