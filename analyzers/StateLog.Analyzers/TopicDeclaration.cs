using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using StateLog.Generators.Parsing;

namespace StateLog.Analyzers;

/// <summary>One <c>[CompactedTopic("name")]</c> use, as collected for the duplicate-name check (SLOG005).</summary>
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
    /// Reports every declaration of a name after the first. "First" is by file path, then position, so the
    /// result does not depend on the order in which types were analyzed.
    /// </summary>
    public static void ReportDuplicates(CompilationAnalysisContext context, IEnumerable<TopicDeclaration> topics)
    {
        foreach (var group in topics.GroupBy(t => t.Name, StringComparer.Ordinal))
        {
            var ordered = group
                .OrderBy(t => t.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(t => t.Location.SourceSpan.Start)
                .ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var duplicate = ordered[i];
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateTopicName,
                    duplicate.Location,
                    duplicate.TypeName,
                    duplicate.Name,
                    ordered[0].TypeName));
            }
        }
    }
}
