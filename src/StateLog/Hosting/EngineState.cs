namespace StateLog.Hosting;

/// <summary>Where the hosted engine is in its lifetime; read by the health check.</summary>
internal enum EngineState
{
    /// <summary>The host has not started and nothing has asked for the engine yet.</summary>
    NotStarted,

    /// <summary>The data directory is being opened and recovered.</summary>
    Opening,

    /// <summary>The engine is open.</summary>
    Open,

    /// <summary>The last attempt to open failed; <see cref="StateLogEngineLifetime.OpenFailure"/> says why.</summary>
    OpenFailed,

    /// <summary>The host stopped and the engine was disposed.</summary>
    Stopped,
}
