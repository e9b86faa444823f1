using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using StateLog.Generators.Parsing;

namespace StateLog.Analyzers;

/// <summary>
/// Reports the problems the shared parser finds in each <c>[CompactedTopic]</c> type (the generator stays silent),
/// and topic names used by more than one type of the compilation.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EntityDefinitionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.Supported;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(OnCompilationStart);
    }

    private static void OnCompilationStart(CompilationStartAnalysisContext context)
    {
        // Without the StateLog runtime there is nothing to check.
        if (context.Compilation.GetTypeByMetadataName(KnownTypeNames.CompactedTopicAttribute) is not { } attributeType)
        {
            return;
        }

        var topics = new ConcurrentBag<TopicDeclaration>();
        context.RegisterSymbolAction(c => AnalyzeType(c, attributeType, topics), SymbolKind.NamedType);
        context.RegisterCompilationEndAction(c => TopicDeclaration.ReportDuplicates(c, topics));
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attributeType, ConcurrentBag<TopicDeclaration> topics)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
        if (attribute is null)
        {
            return;
        }

        if (TopicDeclaration.From(type, attribute, context.CancellationToken) is { } topic)
        {
            topics.Add(topic);
        }

        var result = EntityParser.Parse(type, attribute, context.CancellationToken);
        foreach (var problem in result.Problems)
        {
            // An id this analyzer version does not know is skipped rather than reported under a wrong descriptor.
            if (DiagnosticDescriptors.For(problem, type) is { } descriptor)
            {
                context.ReportDiagnostic(Diagnostic.Create(descriptor, problem.Location, problem.Args.Cast<object>().ToArray()));
            }
        }
    }
}
