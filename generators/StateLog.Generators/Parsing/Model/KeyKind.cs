namespace StateLog.Generators.Parsing.Model;

/// <summary>The supported key types; each has a codec in the runtime (<c>StateLog.KeyCodecs</c>).</summary>
internal enum KeyKind
{
    String,
    Int32,
    Int64,
    Guid,
}
