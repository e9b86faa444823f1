using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StateLog.Analyzers.CodeFixes.Editing;

namespace StateLog.Analyzers.CodeFixes.AddKey;

/// <summary>SLOG001: offers "Mark 'X' as [Key]" for each member that probably identifies a record.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddKeyAttributeCodeFixProvider))]
[Shared]
public sealed class AddKeyAttributeCodeFixProvider : StateLogCodeFixProvider
{
    /// <summary>Creates the provider.</summary>
    public AddKeyAttributeCodeFixProvider()
        : base(DiagnosticDescriptors.MissingKey.Id)
    {
    }

    /// <inheritdoc />
    protected override void RegisterFixes(CodeFixContext context, Diagnostic diagnostic, CompilationUnitSyntax root, SemanticModel model)
    {
        if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not TypeDeclarationSyntax type)
        {
            return;
        }

        foreach (var candidate in KeyCandidate.Find(type, model, context.CancellationToken))
        {
            Register(
                context,
                diagnostic,
                $"Mark '{candidate.Name}' as [Key]",
                $"{diagnostic.Id}:{candidate.Rule}",
                () => KeyAttributeFactory.Replace(root, model, candidate.Declaration, key => AttributeLists.Add(candidate.Declaration, key)));
        }
    }
}
