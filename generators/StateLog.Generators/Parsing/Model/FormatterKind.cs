namespace StateLog.Generators.Parsing.Model;

/// <summary>Which formatter the generated resolver returns for a type MessagePack's built-in resolver does not know.</summary>
internal enum FormatterKind
{
    /// <summary>A generated object formatter; the argument is its class name.</summary>
    Object,

    /// <summary><c>GenericEnumFormatter&lt;T&gt;</c> (the underlying integer).</summary>
    Enum,

    /// <summary><c>NullableFormatter&lt;T&gt;</c>; the argument is the underlying type.</summary>
    Nullable,

    /// <summary><c>ArrayFormatter&lt;T&gt;</c>; the argument is the element type.</summary>
    Array,

    /// <summary><c>ListFormatter&lt;T&gt;</c>; the argument is the element type.</summary>
    List,

    /// <summary><c>InterfaceReadOnlyListFormatter&lt;T&gt;</c>; the argument is the element type.</summary>
    ReadOnlyList,

    /// <summary><c>DictionaryFormatter&lt;string, T&gt;</c>; the argument is the value type.</summary>
    Dictionary,
}
