namespace StateLog.Generators.Parsing.Model;

/// <summary>One type the generated resolver maps to a formatter.</summary>
/// <param name="TypeName">The fully qualified type, without nullable annotations (it appears in <c>typeof</c>).</param>
/// <param name="Kind">Which formatter.</param>
/// <param name="Argument">The formatter class name for <see cref="FormatterKind.Object"/>, else the element/value type.</param>
internal sealed record FormatterEntry(string TypeName, FormatterKind Kind, string Argument);
