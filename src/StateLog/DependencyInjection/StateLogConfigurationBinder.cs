using System;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace StateLog.DependencyInjection;

/// <summary>
/// Binds <see cref="StateLogOptions"/> from the <c>StateLog</c> configuration section when the application has an
/// <see cref="IConfiguration"/>, and per-topic overrides from <c>StateLog:Topics:{name}</c>. Registered before the
/// <c>AddStateLog</c> delegate, so code overrides configuration.
/// </summary>
/// <remarks>
/// Each setting is read by name rather than through <c>ConfigurationBinder</c>: that one needs reflection (not trim-safe),
/// and its source-generated form refuses <see cref="StateLogOptions.TimeProvider"/>, which is set in code only.
/// </remarks>
internal sealed class StateLogConfigurationBinder(IConfiguration? configuration = null) : IConfigureOptions<StateLogOptions>
{
    public const string SectionName = "StateLog";

    public void Configure(StateLogOptions options)
    {
        if (configuration is null)
        {
            return;
        }

        var section = configuration.GetSection(SectionName);
        Read(section, nameof(StateLogOptions.DataDirectory), text => text, value => options.DataDirectory = value);
        Read(section, nameof(StateLogOptions.Durability), text => Enum.Parse<Durability>(text, ignoreCase: true), value => options.Durability = value);
        Read(section, nameof(StateLogOptions.FlushInterval), ParseTimeSpan, value => options.FlushInterval = value);
        Read(section, nameof(StateLogOptions.CleanerBackoff), ParseTimeSpan, value => options.CleanerBackoff = value);
        Read(section, nameof(StateLogOptions.CleanerMaxBytesPerSecond), ParseInt64, value => options.CleanerMaxBytesPerSecond = value);
        Read(section, nameof(StateLogOptions.EnableCleaner), bool.Parse, value => options.EnableCleaner = value);

        // The engine-wide defaults of the per-topic settings share their names and parsing with the overrides.
        var defaults = ReadTopic(section, new TopicOptions());
        options.SegmentBytes = defaults.SegmentBytes ?? options.SegmentBytes;
        options.SegmentMaxAge = defaults.SegmentMaxAge ?? options.SegmentMaxAge;
        options.MaxRecordBytes = defaults.MaxRecordBytes ?? options.MaxRecordBytes;
        options.IndexIntervalBytes = defaults.IndexIntervalBytes ?? options.IndexIntervalBytes;
        options.MinCleanableDirtyRatio = defaults.MinCleanableDirtyRatio ?? options.MinCleanableDirtyRatio;
        options.MinCompactionLag = defaults.MinCompactionLag ?? options.MinCompactionLag;
        options.MaxCompactionLag = defaults.MaxCompactionLag ?? options.MaxCompactionLag;
        options.DeleteRetention = defaults.DeleteRetention ?? options.DeleteRetention;
        options.FileDeleteDelay = defaults.FileDeleteDelay ?? options.FileDeleteDelay;

        foreach (var topic in section.GetSection("Topics").GetChildren())
        {
            options.Topic(topic.Key, overrides => ReadTopic(topic, overrides));
        }
    }

    private static TopicOptions ReadTopic(IConfiguration section, TopicOptions topic)
    {
        Read(section, nameof(TopicOptions.SegmentBytes), ParseInt64, value => topic.SegmentBytes = value);
        Read(section, nameof(TopicOptions.SegmentMaxAge), ParseTimeSpan, value => topic.SegmentMaxAge = value);
        Read(section, nameof(TopicOptions.MaxRecordBytes), text => int.Parse(text, CultureInfo.InvariantCulture), value => topic.MaxRecordBytes = value);
        Read(section, nameof(TopicOptions.IndexIntervalBytes), text => int.Parse(text, CultureInfo.InvariantCulture), value => topic.IndexIntervalBytes = value);
        Read(section, nameof(TopicOptions.MinCleanableDirtyRatio), text => double.Parse(text, CultureInfo.InvariantCulture), value => topic.MinCleanableDirtyRatio = value);
        Read(section, nameof(TopicOptions.MinCompactionLag), ParseTimeSpan, value => topic.MinCompactionLag = value);
        Read(section, nameof(TopicOptions.MaxCompactionLag), ParseTimeSpan, value => topic.MaxCompactionLag = value);
        Read(section, nameof(TopicOptions.DeleteRetention), ParseTimeSpan, value => topic.DeleteRetention = value);
        Read(section, nameof(TopicOptions.FileDeleteDelay), ParseTimeSpan, value => topic.FileDeleteDelay = value);
        return topic;
    }

    private static void Read<T>(IConfiguration section, string key, Func<string, T> parse, Action<T> set)
    {
        var setting = section.GetSection(key);
        if (setting.Value is not { } text)
        {
            return;
        }

        T value;
        try
        {
            value = parse(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new InvalidOperationException($"The configuration value '{text}' at '{setting.Path}' is not a valid {typeof(T).Name} for the StateLog option {key}.", e);
        }

        set(value);
    }

    private static long ParseInt64(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    private static TimeSpan ParseTimeSpan(string text) => TimeSpan.Parse(text, CultureInfo.InvariantCulture);
}
