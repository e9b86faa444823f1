using System;
using System.Collections.Generic;
using System.Linq;

namespace StateLog.Configuration;

/// <summary>Validates <see cref="StateLogOptions"/>; shared by <c>StateLogEngine.Open</c> and the options validator used by DI.</summary>
internal static class OptionsValidation
{
    public static List<string> Problems(StateLogOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            problems.Add("StateLogOptions.DataDirectory must name a folder.");
        }

        if (options.FlushInterval <= TimeSpan.Zero)
        {
            problems.Add($"StateLogOptions.FlushInterval must be positive, but is {options.FlushInterval}.");
        }

        if (options.CleanerBackoff < TimeSpan.Zero)
        {
            problems.Add($"StateLogOptions.CleanerBackoff must not be negative, but is {options.CleanerBackoff}.");
        }

        if (options.CleanerMaxBytesPerSecond is <= 0)
        {
            problems.Add($"StateLogOptions.CleanerMaxBytesPerSecond must be positive or null, but is {options.CleanerMaxBytesPerSecond}.");
        }

        if (!Enum.IsDefined(options.Durability))
        {
            problems.Add($"StateLogOptions.Durability has no value {(int)options.Durability}.");
        }

        if (options.TimeProvider is null)
        {
            problems.Add("StateLogOptions.TimeProvider must not be null.");
        }

        problems.AddRange(TopicConfig.Resolve(options, "").Problems("StateLogOptions."));
        foreach (var name in options.TopicOverrides.Keys.Order(StringComparer.Ordinal))
        {
            if (TopicName.Problem(name) is { } nameProblem)
            {
                problems.Add($"StateLogOptions.Topic(\"{name}\"): {nameProblem}");
                continue;
            }

            problems.AddRange(TopicConfig.Resolve(options, name).Problems($"StateLogOptions.Topic(\"{name}\")."));
        }

        return problems;
    }

    public static void ThrowIfInvalid(StateLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid StateLog options: " + string.Join(" ", problems), nameof(options));
        }
    }
}
