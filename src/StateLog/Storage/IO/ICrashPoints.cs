namespace StateLog.Storage.IO;

/// <summary>
/// Named points in the shipped code where a test can crash, freeze storage or pause a thread ("test what you fly").
/// Production uses <see cref="NoCrashPoints"/>.
/// </summary>
internal interface ICrashPoints
{
    void Hit(string name);
}
