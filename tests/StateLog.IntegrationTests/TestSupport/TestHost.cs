using System;
using System.Collections.Generic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace StateLog.IntegrationTests.TestSupport;

/// <summary>Builds hosts the way an application does (<c>AddStateLog</c> on a Generic Host), with no default configuration sources or loggers.</summary>
public static class TestHost
{
    /// <summary>A host with StateLog on <paramref name="dataDirectory"/> and the StateLog health check.</summary>
    public static IHost Build(
        string dataDirectory,
        Action<StateLogOptions>? configure = null,
        IDictionary<string, string?>? configuration = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        builder.Services.AddStateLog(options =>
        {
            options.DataDirectory = dataDirectory;
            configure?.Invoke(options);
        });
        builder.Services.AddHealthChecks().AddStateLog();
        services?.Invoke(builder.Services);
        return builder.Build();
    }
}
