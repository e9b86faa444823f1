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
}
