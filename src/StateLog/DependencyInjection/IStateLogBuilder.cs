using Microsoft.Extensions.DependencyInjection;

namespace StateLog;

/// <summary>Returned by <c>AddStateLog</c>; chains further StateLog configuration onto the same service collection.</summary>
public interface IStateLogBuilder
{
    /// <summary>The service collection StateLog was added to.</summary>
    IServiceCollection Services { get; }
}
