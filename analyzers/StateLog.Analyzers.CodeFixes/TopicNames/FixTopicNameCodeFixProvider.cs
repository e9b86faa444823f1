using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace StateLog.Analyzers.CodeFixes.TopicNames;

/// <summary>SLOG004: replaces an invalid topic name with a valid one made from it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FixTopicNameCodeFixProvider))]
[Shared]
public sealed class FixTopicNameCodeFixProvider : StateLogCodeFixProvider
{
    /// <summary>Creates the provider.</summary>
    public FixTopicNameCodeFixProvider()
        : base(DiagnosticDescriptors.InvalidTopicName.Id)
    {
    }

    /// <inheritdoc />
    protected override void RegisterFixes(CodeFixContext context, Diagnostic diagnostic, CompilationUnitSyntax root, SemanticModel model)
    {
        var argument = root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeArgumentSyntax>();
        if (argument?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } type)
        {
            return;
        }

        var name = model.GetConstantValue(argument.Expression, context.CancellationToken).Value as string;
        var valid = ValidTopicName.From(name, type.Identifier.ValueText);
        var literal = LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(valid)).WithTriviaFrom(argument.Expression);
        Register(
            context,
            diagnostic,
            $"Use the topic name '{valid}'",
            diagnostic.Id,
            () => root.ReplaceNode(argument.Expression, literal));
    }
}
