using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using StateLog.Generators.Emitting;
using StateLog.Generators.Model;
using StateLog.Generators.Parsing;
using StateLog.Generators.Parsing.Model;

namespace StateLog.Generators;

/// <summary>
/// Emits, per <c>[CompactedTopic]</c> type, a MessagePack formatter and a typed client, plus one registrar per assembly.
/// Reports nothing: a type with problems gets no code, and the analyzers explain why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class StateLogGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var entities = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeNames.CompactedTopicAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => ctx.TargetSymbol is INamedTypeSymbol type ? EntityParser.Parse(type, ctx.Attributes[0], ct).Model : null)
            .WithTrackingName(TrackingNames.Parse)
            .SelectMany(static (model, _) => model is null ? ImmutableArray<EntityModel>.Empty : ImmutableArray.Create(model))
            .WithTrackingName(TrackingNames.Entities);

        context.RegisterSourceOutput(entities, static (spc, model) =>
            spc.AddSource(model.HintName, SourceText.From(EntityEmitter.Emit(model), Encoding.UTF8)));

        var topics = entities
            .Select(static (model, _) => EntityEmitter.Registration(model))
            .WithTrackingName(TrackingNames.Registrations)
            .Collect()
            .WithTrackingName(TrackingNames.CollectedRegistrations)
            .Select(static (items, _) => new EquatableArray<TopicRegistrationModel>(items.OrderBy(t => t.ClientTypeName, StringComparer.Ordinal)))
            .WithTrackingName(TrackingNames.AllRegistrations);

        var assembly = context.CompilationProvider
            .Select(static (compilation, ct) => AssemblyModel.From(compilation, ct))
            .WithTrackingName(TrackingNames.Assembly);

        var registrar = topics
            .Combine(assembly)
            .WithTrackingName(TrackingNames.RegistrarInputs)
            .Select(static (pair, _) => new RegistrarModel(pair.Right, pair.Left))
            .WithTrackingName(TrackingNames.Registrar);

        context.RegisterSourceOutput(registrar, static (spc, model) =>
        {
            if (model.IsNeeded)
            {
                spc.AddSource(RegistrarEmitter.HintName, SourceText.From(RegistrarEmitter.Emit(model), Encoding.UTF8));
            }
        });
    }
}
