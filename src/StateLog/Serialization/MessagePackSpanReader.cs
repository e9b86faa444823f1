using System;
using System.Buffers;
using System.Buffers.Binary;
using System.ComponentModel;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using MessagePack;

namespace StateLog.Serialization;

/// <summary>
/// Reads MessagePack from one contiguous buffer, for the formatters StateLog generates; not meant for application code.
/// </summary>
/// <remarks>
/// <para>
/// A stored value is always contiguous (a record's bytes), so the generated formatters read it here rather than
/// through <see cref="MessagePackReader"/>, which walks a <see cref="System.Buffers.ReadOnlySequence{T}"/>. The methods
/// are compiled fully optimized at first call: MessagePack's assembly is not precompiled, so in a fresh process its
/// reader ran unoptimized through the first few hundred milliseconds of reads (a cold typed scan was four to six times
/// the byte-level one).
/// </para>
/// <para>
/// It accepts what <see cref="MessagePackReader"/> accepts for the same call (every integer encoding for every integer
/// type, integers for floats, the timestamp extension for <see cref="DateTime"/>, and the layouts of MessagePack's
/// built-in <see cref="DateTimeOffset"/> and <see cref="TimeSpan"/> formatters) and throws only
/// <see cref="EndOfStreamException"/> when the bytes end early, <see cref="MessagePackSerializationException"/> for an
/// unexpected code, and <see cref="OverflowException"/> when an integer does not fit the type asked for: the same types
/// as MessagePack but for three cases. A time outside <see cref="DateTime"/>'s or <see cref="DateTimeOffset"/>'s range
/// (MessagePack lets <see cref="ArgumentOutOfRangeException"/> out) is a <see cref="MessagePackSerializationException"/>;
/// a str32 or bin32 length of 2^31 or more (MessagePack: <see cref="ArgumentOutOfRangeException"/>) and an array32 or
/// map32 count above <see cref="int.MaxValue"/> (which MessagePack's skip takes as negative, skipping only the header)
/// report the bytes as ending early.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct MessagePackSpanReader
{
    private const long NanosecondsPerTick = 100;

    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _bytes;
    private int _position;

    /// <summary>Reads <paramref name="bytes"/> from their start.</summary>
    /// <param name="bytes">The MessagePack bytes.</param>
    public MessagePackSpanReader(ReadOnlyMemory<byte> bytes)
    {
        _memory = bytes;
        _bytes = bytes.Span;
        _position = 0;
        Depth = 0;
    }

    /// <summary>The depth of the object graph read so far, as <see cref="MessagePackReader.Depth"/>.</summary>
    public int Depth { get; set; }

    /// <summary>The bytes read so far.</summary>
    public readonly int Consumed => _position;

    /// <summary>
    /// Reads one value with <paramref name="formatter"/> from where <paramref name="reader"/> stands and moves
    /// <paramref name="reader"/> past it: how a generated formatter serves a caller that holds a <see cref="MessagePackReader"/>.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="reader">The reader to read from and advance.</param>
    /// <param name="options">The serializer options.</param>
    /// <param name="formatter">The generated formatter.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="formatter"/> is null.</exception>
    public static T Deserialize<T>(ref MessagePackReader reader, MessagePackSerializerOptions options, IMessagePackSpanFormatter<T> formatter)
    {
        if (formatter is null)
        {
            throw new ArgumentNullException(nameof(formatter));
        }

        var rest = reader.Sequence.Slice(reader.Position);
        if (!rest.IsSingleSegment)
        {
            // A value that may span buffers (a stream read in pieces) is read from a copy of its own bytes.
            var copy = new MessagePackSpanReader(reader.ReadRaw().ToArray()) { Depth = reader.Depth };
            return formatter.Deserialize(ref copy, options);
        }

        var span = new MessagePackSpanReader(rest.First) { Depth = reader.Depth };
        var value = formatter.Deserialize(ref span, options);
        reader.ReadRaw(span.Consumed);
        return value;
    }

    /// <summary>Counts one level of object depth against <paramref name="options"/>' limit, as <see cref="MessagePackSecurity.DepthStep"/>.</summary>
    /// <param name="options">The serializer options.</param>
    /// <exception cref="InsufficientExecutionStackException">The graph is deeper than the limit.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DepthStep(MessagePackSerializerOptions options)
    {
        var limit = options.Security.MaximumObjectGraphDepth;
        if (Depth >= limit)
        {
            throw new InsufficientExecutionStackException(
                $"This msgpack sequence has an object graph that exceeds the maximum depth allowed of {limit}.");
        }

        Depth++;
    }

    /// <summary>Reads a nil if one is next.</summary>
    /// <returns>Whether a nil was read.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadNil()
    {
        if (PeekCode() != MessagePackCode.Nil)
        {
            return false;
        }

        _position++;
        return true;
    }

    /// <summary>Reads a map header.</summary>
    /// <returns>The number of key-value pairs.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int ReadMapHeader()
    {
        var code = ReadCode();
        var count = IsMap(code) ? ReadLength(code) : throw InvalidCode(code);

        // As MessagePackReader: a count the remaining bytes cannot hold (two bytes a pair at least) is refused up front.
        Need((long)count * 2);
        return count;
    }

    /// <summary>Reads a string's UTF-8 bytes without decoding them (a map key); a nil reads as empty.</summary>
    /// <returns>The bytes, valid as long as the buffer is.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> ReadStringSpan() => TryReadNil() ? default : Take(ReadStringLength());

    /// <summary>Reads a string.</summary>
    /// <returns>The string, or <see langword="null"/> for a nil.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? ReadString() => TryReadNil() ? null : Encoding.UTF8.GetString(Take(ReadStringLength()));

    /// <summary>Reads a bin (or, as MessagePack's old spec wrote bytes, a str16, str32 or fixstr) into a new array.</summary>
    /// <returns>The bytes, or <see langword="null"/> for a nil.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte[]? ReadBytes()
    {
        if (TryReadNil())
        {
            return null;
        }

        var code = ReadCode();
        var oldSpecString = IsString(code) && code != MessagePackCode.Str8;
        return IsBinary(code) || oldSpecString ? Take(ReadLength(code)).ToArray() : throw InvalidCode(code);
    }

    /// <summary>Reads a boolean.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool ReadBoolean()
    {
        var code = ReadCode();
        return code switch
        {
            MessagePackCode.True => true,
            MessagePackCode.False => false,
            _ => throw InvalidCode(code),
        };
    }

    /// <summary>Reads an integer of any encoding as a <see cref="byte"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="OverflowException">The integer does not fit.</exception>
    public byte ReadByte() => checked((byte)ReadInteger());

    /// <summary>Reads an integer of any encoding as an <see cref="sbyte"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="OverflowException">The integer does not fit.</exception>
    public sbyte ReadSByte() => checked((sbyte)ReadInteger());

    /// <summary>Reads an integer of any encoding as a <see cref="short"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="OverflowException">The integer does not fit.</exception>
    public short ReadInt16() => checked((short)ReadInteger());

    /// <summary>Reads an integer of any encoding as a <see cref="ushort"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="OverflowException">The integer does not fit.</exception>
    public ushort ReadUInt16() => checked((ushort)ReadInteger());

    /// <summary>Reads an integer of any encoding as an <see cref="int"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="OverflowException">The integer does not fit.</exception>
    public int ReadInt32() => checked((int)ReadInteger());

    /// <summary>Reads an integer of any encoding as a <see cref="uint"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="OverflowException">The integer does not fit.</exception>
    public uint ReadUInt32() => checked((uint)ReadInteger());

    /// <summary>Reads an integer of any encoding as a <see cref="long"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="OverflowException">The integer does not fit.</exception>
    public long ReadInt64() => checked((long)ReadInteger());

    /// <summary>Reads an integer of any encoding as a <see cref="ulong"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="OverflowException">The integer does not fit.</exception>
    public ulong ReadUInt64() => checked((ulong)ReadInteger());

    /// <summary>Reads a <see cref="char"/>, written as its UTF-16 code unit.</summary>
    /// <returns>The value.</returns>
    public char ReadChar() => (char)ReadUInt16();

    /// <summary>Reads a float32 or float64 (narrowed), or an integer of any encoding, as a <see cref="float"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float ReadSingle()
    {
        switch (PeekCode())
        {
            case MessagePackCode.Float32:
                _position++;
                return BinaryPrimitives.ReadSingleBigEndian(Take(4));
            case MessagePackCode.Float64:
                _position++;
                return (float)BinaryPrimitives.ReadDoubleBigEndian(Take(8));
            default:
                // From the integer's own width, as MessagePack converts it (one rounding, not two through double).
                var integer = ReadInteger();
                return integer >= 0 ? (ulong)integer : (long)integer;
        }
    }

    /// <summary>Reads a float64 or float32, or an integer of any encoding, as a <see cref="double"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double ReadDouble()
    {
        switch (PeekCode())
        {
            case MessagePackCode.Float64:
                _position++;
                return BinaryPrimitives.ReadDoubleBigEndian(Take(8));
            case MessagePackCode.Float32:
                _position++;
                return BinaryPrimitives.ReadSingleBigEndian(Take(4));
            default:
                var integer = ReadInteger();
                return integer >= 0 ? (ulong)integer : (long)integer;
        }
    }

    /// <summary>Reads a <see cref="DateTime"/> (UTC) from MessagePack's timestamp extension in any of its three sizes.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DateTime ReadDateTime()
    {
        var code = ReadCode();
        var length = IsExtension(code) ? ReadLength(code) : throw InvalidCode(code);
        var typeCode = unchecked((sbyte)ReadCode());
        Need(length);
        if (typeCode != ReservedMessagePackExtensionTypeCode.DateTime)
        {
            throw new MessagePackSerializationException($"Extension TypeCode is invalid. typeCode: {typeCode}");
        }

        try
        {
            switch (length)
            {
                case 4:
                    return DateTime.UnixEpoch.AddSeconds(BinaryPrimitives.ReadUInt32BigEndian(Take(4)));
                case 8:
                    var bits = BinaryPrimitives.ReadUInt64BigEndian(Take(8));
                    return DateTime.UnixEpoch.AddSeconds(bits & 0x3_FFFF_FFFF).AddTicks((long)(bits >> 34) / NanosecondsPerTick);
                case 12:
                    var nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
                    return DateTime.UnixEpoch.AddSeconds(BinaryPrimitives.ReadInt64BigEndian(Take(8))).AddTicks(nanoseconds / NanosecondsPerTick);
                default:
                    throw new MessagePackSerializationException($"Length of extension was {length}. Either 4, 8 or 12 were expected.");
            }
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new MessagePackSerializationException("The timestamp is outside the range of DateTime.", ex);
        }
    }

    /// <summary>
    /// Reads a <see cref="DateTimeOffset"/> as MessagePack's built-in formatter writes it: a two-element array of its
    /// ticks as a UTC timestamp and its offset in minutes.
    /// </summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DateTimeOffset ReadDateTimeOffset()
    {
        if (ReadArrayHeader() != 2)
        {
            throw new MessagePackSerializationException("Invalid DateTimeOffset format.");
        }

        var local = ReadDateTime();
        var offsetMinutes = ReadInt16();
        try
        {
            return new DateTimeOffset(local.Ticks, TimeSpan.FromMinutes(offsetMinutes));
        }
        catch (ArgumentException ex)
        {
            throw new MessagePackSerializationException("The offset or the time is outside the range of DateTimeOffset.", ex);
        }
    }

    /// <summary>Reads a <see cref="TimeSpan"/> as MessagePack's built-in formatter writes it: its ticks.</summary>
    /// <returns>The value.</returns>
    public TimeSpan ReadTimeSpan() => new(ReadInt64());

    /// <summary>Reads a value of any other type through the formatter <paramref name="options"/>' resolver gives it.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="options">The serializer options.</param>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T Read<T>(MessagePackSerializerOptions options)
    {
        var formatter = options.Resolver.GetFormatterWithVerify<T>();
        if (formatter is IMessagePackSpanFormatter<T> generated)
        {
            return generated.Deserialize(ref this, options);
        }

        var reader = new MessagePackReader(_memory[_position..]) { Depth = Depth };
        var value = formatter.Deserialize(ref reader, options);
        _position += checked((int)reader.Consumed);
        return value;
    }

    /// <summary>Skips the next value, with everything a map or array holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Skip()
    {
        // Counted rather than recursive, so a deeply nested value cannot overflow the stack.
        long pending = 1;
        while (pending-- > 0)
        {
            var code = ReadCode();
            switch (code)
            {
                case <= MessagePackCode.MaxFixInt:
                case >= MessagePackCode.MinNegativeFixInt:
                case MessagePackCode.Nil or MessagePackCode.False or MessagePackCode.True:
                    break;
                case var _ when IsMap(code):
                    pending += 2L * ReadLength(code);
                    break;
                case var _ when IsArray(code):
                    pending += ReadLength(code);
                    break;
                case MessagePackCode.Int8 or MessagePackCode.UInt8:
                    Take(1);
                    break;
                case MessagePackCode.Int16 or MessagePackCode.UInt16:
                    Take(2);
                    break;
                case MessagePackCode.Int32 or MessagePackCode.UInt32 or MessagePackCode.Float32:
                    Take(4);
                    break;
                case MessagePackCode.Int64 or MessagePackCode.UInt64 or MessagePackCode.Float64:
                    Take(8);
                    break;
                case var _ when IsString(code) || IsBinary(code):
                    Take(ReadLength(code));
                    break;
                case var _ when IsExtension(code):
                    var length = ReadLength(code);
                    Take(1); // the extension's type
                    Take(length);
                    break;
                default:
                    throw InvalidCode(code);
            }
        }
    }

    /// <summary>An integer in any of MessagePack's encodings, wide enough for all of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Int128 ReadInteger()
    {
        var code = ReadCode();
        return code switch
        {
            <= MessagePackCode.MaxFixInt => code,
            >= MessagePackCode.MinNegativeFixInt => unchecked((sbyte)code),
            MessagePackCode.UInt8 => ReadCode(),
            MessagePackCode.UInt16 => ReadUInt16BigEndian(),
            MessagePackCode.UInt32 => BinaryPrimitives.ReadUInt32BigEndian(Take(4)),
            MessagePackCode.UInt64 => BinaryPrimitives.ReadUInt64BigEndian(Take(8)),
            MessagePackCode.Int8 => unchecked((sbyte)ReadCode()),
            MessagePackCode.Int16 => BinaryPrimitives.ReadInt16BigEndian(Take(2)),
            MessagePackCode.Int32 => BinaryPrimitives.ReadInt32BigEndian(Take(4)),
            MessagePackCode.Int64 => BinaryPrimitives.ReadInt64BigEndian(Take(8)),
            _ => throw InvalidCode(code),
        };
    }

    /// <summary>An array header's count, refused up front when the remaining bytes cannot hold it, as MessagePack does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ReadArrayHeader()
    {
        var code = ReadCode();
        var count = IsArray(code) ? ReadLength(code) : throw InvalidCode(code);
        Need(count);
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ReadStringLength()
    {
        var code = ReadCode();
        return IsString(code) ? ReadLength(code) : throw InvalidCode(code);
    }

    private static bool IsString(byte code) =>
        code is (>= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr) or MessagePackCode.Str8 or MessagePackCode.Str16 or MessagePackCode.Str32;

    private static bool IsBinary(byte code) => code is MessagePackCode.Bin8 or MessagePackCode.Bin16 or MessagePackCode.Bin32;

    private static bool IsMap(byte code) =>
        code is (>= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap) or MessagePackCode.Map16 or MessagePackCode.Map32;

    private static bool IsArray(byte code) =>
        code is (>= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray) or MessagePackCode.Array16 or MessagePackCode.Array32;

    private static bool IsExtension(byte code) => code is (>= MessagePackCode.FixExt1 and <= MessagePackCode.FixExt16) or (>= MessagePackCode.Ext8 and <= MessagePackCode.Ext32);

    /// <summary>
    /// The length or count a str, bin, extension, map or array header that began with <paramref name="code"/> gives (an
    /// extension's without its type byte, a map's in pairs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ReadLength(byte code) => code switch
    {
        >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr => code & 0x1F,
        (>= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap) or (>= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray) => code & 0x0F,
        MessagePackCode.Str8 or MessagePackCode.Bin8 or MessagePackCode.Ext8 => ReadCode(),
        MessagePackCode.Str16 or MessagePackCode.Bin16 or MessagePackCode.Ext16 or MessagePackCode.Map16 or MessagePackCode.Array16 => ReadUInt16BigEndian(),
        MessagePackCode.Str32 or MessagePackCode.Bin32 or MessagePackCode.Ext32 or MessagePackCode.Map32 or MessagePackCode.Array32 => ReadLength32(),
        MessagePackCode.FixExt1 => 1,
        MessagePackCode.FixExt2 => 2,
        MessagePackCode.FixExt4 => 4,
        MessagePackCode.FixExt8 => 8,
        MessagePackCode.FixExt16 => 16,
        _ => throw InvalidCode(code),
    };

    private readonly byte PeekCode() => _position < _bytes.Length ? _bytes[_position] : throw EndOfData();

    private byte ReadCode() => _position < _bytes.Length ? _bytes[_position++] : throw EndOfData();

    private ushort ReadUInt16BigEndian() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    /// <summary>A 32-bit length or count; one beyond <see cref="int.MaxValue"/> cannot be in a buffer, so it is as short as any other.</summary>
    private int ReadLength32()
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
        return length <= int.MaxValue ? (int)length : throw EndOfData();
    }

    /// <summary>The next <paramref name="length"/> bytes, read past.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int length)
    {
        Need(length);
        var bytes = _bytes.Slice(_position, length);
        _position += length;
        return bytes;
    }

    private readonly void Need(long length)
    {
        if (length > _bytes.Length - _position)
        {
            throw EndOfData();
        }
    }

    private static EndOfStreamException EndOfData() => new();

    private static MessagePackSerializationException InvalidCode(byte code) =>
        new($"Unexpected msgpack code {code} ({MessagePackCode.ToFormatName(code)}) encountered.");
}
