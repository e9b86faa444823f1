using System;
using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StateLog.Analyzers.CodeFixes;

/// <summary>
/// The shape every StateLog fix shares: one diagnostic id, fix-all by batching the single fixes, and edits that
/// rewrite the document's syntax root.
/// </summary>
public abstract class StateLogCodeFixProvider : CodeFixProvider
{
    private readonly ImmutableArray<string> _ids;

    /// <summary>Creates a provider for the diagnostic <paramref name="diagnosticId"/>.</summary>
    protected StateLogCodeFixProvider(string diagnosticId) => _ids = ImmutableArray.Create(diagnosticId);

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds => _ids;

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is not CompilationUnitSyntax unit || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            RegisterFixes(context, diagnostic, unit, model);
        }
    }

    /// <summary>Registers the fixes for one diagnostic, through <see cref="Register"/>.</summary>
    protected abstract void RegisterFixes(CodeFixContext context, Diagnostic diagnostic, CompilationUnitSyntax root, SemanticModel model);

    /// <summary>Registers one fix whose edit returns the new syntax root of the document.</summary>
    /// <param name="equivalenceKey">Equal for fixes that fix-all may apply together.</param>
    protected static void Register(
        CodeFixContext context,
        Diagnostic diagnostic,
        string title,
        string equivalenceKey,
        Func<CompilationUnitSyntax> edit)
    {
        var document = context.Document;
        context.RegisterCodeFix(
            CodeAction.Create(title, _ => Task.FromResult(document.WithSyntaxRoot(edit())), equivalenceKey),
            diagnostic);
    }
}
