using System;

namespace StateLog;

/// <summary>Another engine, in this process or another, holds the data directory open.</summary>
public sealed class DataDirectoryLockedException : StateLogException
{
    /// <summary>Creates the exception.</summary>
    public DataDirectoryLockedException(string dataDirectory, Exception? innerException = null)
        : base($"The data directory '{dataDirectory}' is in use by another StateLog engine (its .lock file is held). Close that engine or process, or use another DataDirectory.", innerException)
        => DataDirectory = dataDirectory;

    /// <summary>The locked folder.</summary>
    public string DataDirectory { get; }
}
