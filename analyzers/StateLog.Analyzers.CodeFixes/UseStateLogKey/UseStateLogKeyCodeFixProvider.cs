using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StateLog.Analyzers.CodeFixes.Editing;

namespace StateLog.Analyzers.CodeFixes.UseStateLogKey;

/// <summary>SLOG040: swaps MessagePack's <c>[Key(n)]</c> for StateLog's <c>[Key]</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseStateLogKeyCodeFixProvider))]
[Shared]
public sealed class UseStateLogKeyCodeFixProvider : StateLogCodeFixProvider
{
    /// <summary>Creates the provider.</summary>
    public UseStateLogKeyCodeFixProvider()
        : base(DiagnosticDescriptors.MessagePackKeyInsteadOfKey.Id)
    {
    }

    /// <inheritdoc />
    protected override void RegisterFixes(CodeFixContext context, Diagnostic diagnostic, CompilationUnitSyntax root, SemanticModel model)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute)
        {
            return;
        }

        Register(
            context,
            diagnostic,
            "Use StateLog's [Key]",
            diagnostic.Id,
            () => KeyAttributeFactory.Replace(root, model, attribute, key => key.WithTriviaFrom(attribute)));
    }
}
