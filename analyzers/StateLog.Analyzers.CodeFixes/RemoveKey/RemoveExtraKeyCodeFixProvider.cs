using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StateLog.Analyzers.CodeFixes.Editing;

namespace StateLog.Analyzers.CodeFixes.RemoveKey;

/// <summary>SLOG002: removes <c>[Key]</c> from a member after the first key member, so one key remains.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveExtraKeyCodeFixProvider))]
[Shared]
public sealed class RemoveExtraKeyCodeFixProvider : StateLogCodeFixProvider
{
    /// <summary>Creates the provider.</summary>
    public RemoveExtraKeyCodeFixProvider()
        : base(DiagnosticDescriptors.MultipleKeys.Id)
    {
    }

    /// <inheritdoc />
    protected override void RegisterFixes(CodeFixContext context, Diagnostic diagnostic, CompilationUnitSyntax root, SemanticModel model)
    {
        var identifier = root.FindToken(diagnostic.Location.SourceSpan.Start);
        if (Declarations.OfIdentifier(identifier) is not { } declaration
            || KeyAttributeFactory.FindKeyAttribute(model, Declarations.AttributeListsOf(declaration)) is not { } key)
        {
            return;
        }

        Register(
            context,
            diagnostic,
            $"Remove [Key] from '{identifier.ValueText}'",
            diagnostic.Id,
            () => root.ReplaceNode(declaration, AttributeLists.Remove(declaration, key)));
    }
}
