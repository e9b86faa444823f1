namespace StateLog.Storage.IO;

/// <summary>The production crash points: nothing happens.</summary>
internal sealed class NoCrashPoints : ICrashPoints
{
    public static NoCrashPoints Instance { get; } = new();

    public void Hit(string name)
    {
    }
}
