using System;
using System.Threading;
using Microsoft.Extensions.Options;

namespace StateLog.Hosting;

/// <summary>
/// Owns the one engine of a service provider: opens it once (at host start, or at the first resolution if that
/// comes earlier) together with every registered topic, and hands it to <see cref="StateLogHostedService"/> to dispose
/// exactly once at host stop. Its state feeds the health check.
/// </summary>
internal sealed class StateLogEngineLifetime(IOptions<StateLogOptions> options)
{
    private readonly Lock _gate = new();
    private volatile StateLogEngine? _engine;
    private volatile Exception? _openFailure;
    private volatile EngineState _state;

    public EngineState State => _state;

    /// <summary>Why the last open failed, while <see cref="State"/> is <see cref="EngineState.OpenFailed"/>.</summary>
    public Exception? OpenFailure => _openFailure;

    /// <summary>The engine while <see cref="State"/> is <see cref="EngineState.Open"/>; otherwise <see langword="null"/>.</summary>
    public StateLogEngine? Engine => _engine;

    /// <summary>Opens and recovers the data directory and the registered topics, or returns the engine already open.</summary>
    /// <exception cref="ObjectDisposedException">The host has stopped.</exception>
    public StateLogEngine Open()
    {
        lock (_gate)
        {
            if (_engine is { } open)
            {
                return open;
            }

            ObjectDisposedException.ThrowIf(_state == EngineState.Stopped, typeof(StateLogEngine));
            _state = EngineState.Opening;
            StateLogEngine? engine = null;
            try
            {
                engine = StateLogEngine.Open(options.Value);

                // Opening every registered topic now makes a partition-count mismatch or a corrupt log fail the
                // start, not the first request that happens to use the topic.
                foreach (var topic in StateLogTopicRegistry.Registrations)
                {
                    engine.GetTopic(topic.TopicName, topic.Partitions);
                }

                _openFailure = null;
                _engine = engine;
                _state = EngineState.Open;
                return engine;
            }
            catch (Exception e)
            {
                // A topic that fails to open must not leave the directory locked until the process exits.
                engine?.Dispose();
                _openFailure = e;
                _state = EngineState.OpenFailed;
                throw;
            }
        }
    }

    /// <summary>Marks the lifetime stopped and hands over the engine to dispose, or <see langword="null"/> if none is open.</summary>
    public StateLogEngine? Stop()
    {
        lock (_gate)
        {
            var engine = _engine;
            _engine = null;
            _state = EngineState.Stopped;
            return engine;
        }
    }
}
