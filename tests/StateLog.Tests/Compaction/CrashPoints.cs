using System;
using StateLog.Storage.IO;

namespace StateLog.Tests.Compaction;

/// <summary>A crash point that runs an action (snapshot the folder, throw, cancel) when the named point is hit.</summary>
internal sealed class CrashPoints(string name, Action<string> onHit) : ICrashPoints
{
    public void Hit(string point)
    {
        if (point == name)
        {
            onHit(point);
        }
    }
}
