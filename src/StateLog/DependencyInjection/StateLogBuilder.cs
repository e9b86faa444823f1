using Microsoft.Extensions.DependencyInjection;

namespace StateLog.DependencyInjection;

/// <summary>The <see cref="IStateLogBuilder"/> handed out by <c>AddStateLog</c>.</summary>
internal sealed class StateLogBuilder(IServiceCollection services) : IStateLogBuilder
{
    public IServiceCollection Services { get; } = services;
}
