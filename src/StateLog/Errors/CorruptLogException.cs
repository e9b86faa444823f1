using System;

namespace StateLog;

/// <summary>A log, index or checkpoint file holds bytes that cannot be what StateLog wrote. Names the file, position and reason.</summary>
public sealed class CorruptLogException : StateLogException
{
    /// <summary>Creates the exception.</summary>
    public CorruptLogException(string file, long position, string reason, Exception? innerException = null)
        : base($"Corrupt log data in '{file}' at byte {position}: {reason}", innerException)
    {
        File = file;
        Position = position;
        Reason = reason;
    }

    /// <summary>The file.</summary>
    public string File { get; }

    /// <summary>The byte position in the file where the problem starts.</summary>
    public long Position { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }
}
