using System;
using Microsoft.Extensions.DependencyInjection;

namespace StateLog;

/// <summary>Configuration methods chained onto <see cref="IStateLogBuilder"/>.</summary>
public static class StateLogBuilderExtensions
{
    /// <summary>
    /// Overrides settings for one topic, as <see cref="StateLogOptions.Topic(string, Action{TopicOptions})"/> does;
    /// applied after the <c>StateLog:Topics:{name}</c> configuration section.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddStateLog</c>.</param>
    /// <param name="topic">The topic name, as in <see cref="CompactedTopicAttribute"/>.</param>
    /// <param name="configure">Sets the overrides; properties left <see langword="null"/> inherit the engine-wide value.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IStateLogBuilder ConfigureTopic(this IStateLogBuilder builder, string topic, Action<TopicOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<StateLogOptions>(options => options.Topic(topic, configure));
        return builder;
    }
}
