using System;
using System.Globalization;

namespace StateLog.Serialization;

/// <summary>The error of a fixed-size key codec given the wrong number of bytes.</summary>
internal static class FixedSize
{
    public static FormatException WrongLength(ReadOnlySpan<byte> source, int expected, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"A key of {source.Length} bytes cannot be read as {what}, which takes {expected}."));
}
