using System;
using System.Collections.Generic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StateLog.DependencyInjection;
using StateLog.Hosting;

namespace StateLog;

/// <summary>Adds StateLog to a service collection.</summary>
public static class StateLogServiceCollectionExtensions
{
    /// <summary>
    /// Registers the StateLog engine (a singleton, opened and recovered when the host starts and disposed when it stops),
    /// the hosted service that owns that lifetime, and every generated topic client of the application and of the
    /// assemblies it references, each as itself and as its <see cref="ICompactedTopic{TKey, T}"/>.
    /// Options come from the <c>StateLog</c> configuration section, then from <paramref name="configure"/>, and are
    /// validated when the host starts. Calling this again only adds <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options after configuration is bound, for example <c>o =&gt; o.DataDirectory = "data"</c>.</param>
    /// <returns>A builder for further StateLog configuration.</returns>
    /// <exception cref="InvalidOperationException">Two generated clients (from different assemblies) use one topic
    /// name, or names that differ only in letter case.</exception>
    public static IStateLogBuilder AddStateLog(this IServiceCollection services, Action<StateLogOptions>? configure = null) =>
        AddStateLog(services, configure, StateLogTopicRegistry.Registrations);

    /// <summary><see cref="AddStateLog(IServiceCollection, Action{StateLogOptions}?)"/> with the generated clients given.</summary>
    internal static IStateLogBuilder AddStateLog(IServiceCollection services, Action<StateLogOptions>? configure, IReadOnlyList<TopicRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(services);
        StateLogTopicRegistry.ThrowIfTopicsCollide(registrations); // before anything is added

        // Configuration is bound before any delegate runs, so code wins over configuration; TryAdd keeps that
        // single binder first when AddStateLog is called again.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<StateLogOptions>, StateLogConfigurationBinder>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StateLogOptions>, StateLogOptionsValidator>());
        services.AddOptions<StateLogOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<StateLogEngineLifetime>();
        services.TryAddSingleton(sp => sp.GetRequiredService<StateLogEngineLifetime>().Open());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StateLogHostedService>());

        foreach (var registration in registrations)
        {
            services.TryAddSingleton(registration.ClientType, sp => registration.Create(sp.GetRequiredService<StateLogEngine>()));
            services.TryAddSingleton(registration.ServiceType, sp => sp.GetRequiredService(registration.ClientType));
        }

        return new StateLogBuilder(services);
    }
}
