using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace StateLog;

/// <summary>
/// The process-wide list of generated topic clients. Generated module initializers add to it (their own assembly's
/// topics and, through <see cref="StateLogTopicsAssemblyAttribute"/>, those of referenced assemblies); <c>AddStateLog</c> reads it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StateLogTopicRegistry
{
    private static readonly object Gate = new();
    private static readonly List<TopicRegistration> Items = new();

    /// <summary>Adds <paramref name="registration"/> unless a registration for the same client type exists.</summary>
    public static void Register(TopicRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        lock (Gate)
        {
            if (!Items.Exists(r => r.ClientType == registration.ClientType))
            {
                Items.Add(registration);
            }
        }
    }

    /// <summary>
    /// Throws when two registrations name one topic, or two topics that differ only in letter case: what SLOG005 and
    /// SLOG009 report within one project, for clients from different assemblies. One topic holds records of one type,
    /// and names differing only in case share their partition folders on a case-insensitive file system.
    /// </summary>
    /// <exception cref="InvalidOperationException">Two registrations collide; the message names both clients.</exception>
    internal static void ThrowIfTopicsCollide(IReadOnlyList<TopicRegistration> registrations)
    {
        for (var i = 0; i < registrations.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var (first, second) = (registrations[j], registrations[i]);
                if (string.Equals(first.TopicName, second.TopicName, StringComparison.OrdinalIgnoreCase))
                {
                    var clash = first.TopicName == second.TopicName
                        ? $"both use the topic '{first.TopicName}', but one topic holds records of one type (SLOG005)"
                        : $"their topics '{first.TopicName}' and '{second.TopicName}' differ only in letter case, so on a case-insensitive file system they would share one folder (SLOG009)";
                    throw new InvalidOperationException(
                        $"The generated topic clients {Describe(first)} and {Describe(second)} cannot both be registered: {clash}. Give each [CompactedTopic] type its own topic name.");
                }
            }
        }
    }

    /// <summary>A snapshot of every registration so far, in registration order.</summary>
    public static IReadOnlyList<TopicRegistration> Registrations
    {
        get
        {
            lock (Gate)
            {
                return Items.ToArray();
            }
        }
    }

    private static string Describe(TopicRegistration registration) =>
        $"'{registration.ClientType.FullName}' (assembly {registration.ClientType.Assembly.GetName().Name})";
}
