using System;

namespace StateLog;

/// <summary>The base of every error StateLog raises on purpose.</summary>
public class StateLogException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StateLogException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public StateLogException(string message, Exception? innerException) : base(message, innerException) { }
}
