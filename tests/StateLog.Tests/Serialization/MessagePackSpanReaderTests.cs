using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CsCheck;
using MessagePack;
using MessagePack.Formatters;
using StateLog.Serialization;
using Xunit;
using static StateLog.Tests.Serialization.MessagePackBytes;

namespace StateLog.Tests.Serialization;

/// <summary>
/// <see cref="MessagePackSpanReader"/> against MessagePack's own <see cref="MessagePackReader"/>: the same values and the
/// same exception types from every encoding, every value and every truncation of one; it differs only in the three
/// cases the remarks on <see cref="MessagePackSpanReader"/> name (times out of range, 32-bit lengths and counts of 2^31 on).
/// </summary>
public sealed class MessagePackSpanReaderTests
{
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard;

    /// <summary>Each integer encoding, with the range it holds.</summary>
    private static readonly (string Name, Int128 Min, Int128 Max, WriteInteger Write)[] Encodings =
    [
        ("fixint", 0, 127, (ref MessagePackWriter w, Int128 v) => w.WriteRaw(new[] { (byte)v })),
        ("negative fixint", -32, -1, (ref MessagePackWriter w, Int128 v) => w.WriteRaw(new[] { unchecked((byte)(sbyte)v) })),
        ("uint8", byte.MinValue, byte.MaxValue, (ref MessagePackWriter w, Int128 v) => w.WriteUInt8((byte)v)),
        ("uint16", ushort.MinValue, ushort.MaxValue, (ref MessagePackWriter w, Int128 v) => w.WriteUInt16((ushort)v)),
        ("uint32", uint.MinValue, uint.MaxValue, (ref MessagePackWriter w, Int128 v) => w.WriteUInt32((uint)v)),
        ("uint64", ulong.MinValue, ulong.MaxValue, (ref MessagePackWriter w, Int128 v) => w.WriteUInt64((ulong)v)),
        ("int8", sbyte.MinValue, sbyte.MaxValue, (ref MessagePackWriter w, Int128 v) => w.WriteInt8((sbyte)v)),
        ("int16", short.MinValue, short.MaxValue, (ref MessagePackWriter w, Int128 v) => w.WriteInt16((short)v)),
        ("int32", int.MinValue, int.MaxValue, (ref MessagePackWriter w, Int128 v) => w.WriteInt32((int)v)),
        ("int64", long.MinValue, long.MaxValue, (ref MessagePackWriter w, Int128 v) => w.WriteInt64((long)v)),
    ];

    /// <summary>Each integer reader, with the range of its type, ours and MessagePack's.</summary>
    private static readonly (string Name, Int128 Min, Int128 Max, Func<byte[], Int128> Ours, Func<byte[], Int128> Theirs)[] IntegerReaders =
    [
        ("byte", byte.MinValue, byte.MaxValue, b => Span(b).ReadByte(), b => Pack(b).ReadByte()),
        ("sbyte", sbyte.MinValue, sbyte.MaxValue, b => Span(b).ReadSByte(), b => Pack(b).ReadSByte()),
        ("short", short.MinValue, short.MaxValue, b => Span(b).ReadInt16(), b => Pack(b).ReadInt16()),
        ("ushort", ushort.MinValue, ushort.MaxValue, b => Span(b).ReadUInt16(), b => Pack(b).ReadUInt16()),
        ("int", int.MinValue, int.MaxValue, b => Span(b).ReadInt32(), b => Pack(b).ReadInt32()),
        ("uint", uint.MinValue, uint.MaxValue, b => Span(b).ReadUInt32(), b => Pack(b).ReadUInt32()),
        ("long", long.MinValue, long.MaxValue, b => Span(b).ReadInt64(), b => Pack(b).ReadInt64()),
        ("ulong", ulong.MinValue, ulong.MaxValue, b => Span(b).ReadUInt64(), b => Pack(b).ReadUInt64()),
        ("char", char.MinValue, char.MaxValue, b => Span(b).ReadChar(), b => Pack(b).ReadChar()),
    ];

    private static readonly Gen<Int128> AnyInteger = Gen.OneOf(
        Gen.Long.Select(v => (Int128)v),
        Gen.ULong.Select(v => (Int128)v),
        Gen.Int[-40, 300].Select(v => (Int128)v),
        Gen.OneOf<Int128>(
            0, 127, 128, -32, -33, 255, 256, short.MinValue, ushort.MaxValue, ushort.MaxValue + 1, int.MinValue, uint.MaxValue, (Int128)uint.MaxValue + 1,
            long.MinValue, long.MaxValue, ulong.MaxValue));

    [Fact]
    public void Every_integer_encoding_reads_as_every_integer_type_that_holds_it_and_overflows_otherwise()
    {
        AnyInteger.Sample(value =>
        {
            foreach (var encoding in Encodings.Where(e => value >= e.Min && value <= e.Max))
            {
                var bytes = Write((ref MessagePackWriter w) => encoding.Write(ref w, value));
                foreach (var reader in IntegerReaders)
                {
                    var context = $"{value} as {encoding.Name}, read as {reader.Name}";
                    if (value >= reader.Min && value <= reader.Max)
                    {
                        Assert.True(reader.Ours(bytes) == value, context);
                        Assert.True(reader.Theirs(bytes) == value, context);
                    }
                    else
                    {
                        Assert.Throws<OverflowException>(() => reader.Ours(bytes));
                        Assert.Throws<OverflowException>(() => reader.Theirs(bytes));
                    }
                }
            }
        });
    }

    [Fact]
    public void Floats_read_from_float32_float64_and_integers_as_MessagePack_does()
    {
        // An integer whose float rounds differently through double: read from its own width, as MessagePack does.
        Gen.Select(Gen.Double, Gen.Float, Gen.OneOf(Gen.Long, Gen.Const(0x4000_0040_0000_0001L))).Sample((d, f, l) =>
        {
            WriteValue[] encodings =
            [
                (ref MessagePackWriter w) => w.Write(d), (ref MessagePackWriter w) => w.Write(f),
                (ref MessagePackWriter w) => w.Write(l), (ref MessagePackWriter w) => w.WriteUInt64(unchecked((ulong)l)),
            ];
            foreach (var bytes in encodings.Select(e => Write(e)))
            {
                Assert.Equal(Pack(bytes).ReadDouble(), Span(bytes).ReadDouble());
                Assert.Equal(Pack(bytes).ReadSingle(), Span(bytes).ReadSingle());
            }
        });
    }

    [Fact]
    public void Strings_of_every_length_class_read_as_written_and_nil_reads_as_null()
    {
        var lengths = new[] { 0, 1, 31, 32, 255, 256, 65_535, 65_536 };
        Gen.Select(Gen.OneOf(lengths), Gen.Char['\u0001', '\uD7FF']).Sample((length, c) =>
        {
            var text = new string(c, length);
            var bytes = Write((ref MessagePackWriter w) => w.Write(text));
            var reader = Span(bytes);
            Assert.Equal(text, reader.ReadString());
            Assert.Equal(bytes.Length, reader.Consumed);
            Assert.True(Span(bytes).ReadStringSpan().SequenceEqual(System.Text.Encoding.UTF8.GetBytes(text)));
        });

        byte[] nil = [MessagePackCode.Nil];
        Assert.Null(Span(nil).ReadString());
        Assert.True(Span(nil).ReadStringSpan().IsEmpty);
    }

    [Fact]
    public void Bytes_read_from_every_bin_size_and_the_old_spec_str_forms_and_nil_reads_as_null()
    {
        Gen.Select(Gen.OneOf(0, 1, 31, 255, 256, 65_535, 65_536), Gen.Bool).Sample((length, oldSpec) =>
        {
            var data = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
            var bytes = Write((ref MessagePackWriter w) => w.Write(data), oldSpec);
            Assert.Equal(Pack(bytes).ReadBytes()!.Value.ToArray(), Span(bytes).ReadBytes());
        });

        Assert.Null(Span([MessagePackCode.Nil]).ReadBytes());
    }

    [Fact]
    public void Date_times_read_from_all_three_timestamp_sizes()
    {
        var instants = new[]
        {
            DateTime.UnixEpoch, DateTime.UnixEpoch.AddSeconds(uint.MaxValue), new DateTime(2026, 11, 26, 4, 30, 0, DateTimeKind.Utc).AddTicks(1234567),
            new DateTime(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(9), DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
            DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc),
        };
        var sizes = new HashSet<int>();
        foreach (var instant in instants)
        {
            sizes.Add(RoundTrip(instant));
        }

        Assert.Equal(new[] { 6, 10, 15 }, sizes.Order());
        Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks].Sample(ticks => RoundTrip(new DateTime(ticks, DateTimeKind.Utc)));

        // The forms MessagePack's writer does not choose but its reader takes: the same sizes behind ext8, ext16, ext32.
        byte[][] otherHeaders =
        [
            [MessagePackCode.Ext8, 4, 0xFF, 0, 0, 1, 0], [MessagePackCode.Ext8, 8, 0xFF, 0, 0, 0, 4, 0, 0, 1, 0],
            [MessagePackCode.Ext16, 0, 4, 0xFF, 0, 0, 1, 0], [MessagePackCode.Ext32, 0, 0, 0, 8, 0xFF, 0, 0, 0, 4, 0, 0, 1, 0],
        ];
        foreach (var bytes in otherHeaders)
        {
            Assert.Equal(Pack(bytes).ReadDateTime(), Span(bytes).ReadDateTime());
        }

        // Another extension type with all its bytes, and a length no timestamp has.
        Assert.Throws<MessagePackSerializationException>(() => Span([MessagePackCode.FixExt4, 5, 0, 0, 0, 0]).ReadDateTime());
        Assert.Throws<MessagePackSerializationException>(() => Span([MessagePackCode.FixExt2, 0xFF, 0, 0]).ReadDateTime());

        // Seconds outside DateTime's range: MessagePack lets ArgumentOutOfRangeException out; this reader keeps to its three types.
        byte[] farFuture = [MessagePackCode.Ext8, 12, 0xFF, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.Throws<MessagePackSerializationException>(() => Span(farFuture).ReadDateTime());
    }

    [Fact]
    public void Date_time_offsets_and_time_spans_read_as_MessagePack_s_own_formatters_read_them()
    {
        Gen.Select(Gen.DateTimeOffset, Gen.TimeSpan).Sample((instant, span) =>
        {
            foreach (var bytes in new[] { MessagePackSerializer.Serialize(instant, Options), MessagePackSerializer.Serialize(span, Options) })
            {
                for (var length = bytes.Length; length >= 0; length--)
                {
                    var prefix = bytes[..length];
                    foreach (var (name, ours, theirs) in Reads.Where(r => r.Name is "ReadDateTimeOffset" or "ReadTimeSpan"))
                    {
                        Assert.True(Outcome(() => theirs(prefix)) == Outcome(() => ours(prefix)), $"{name} of {Convert.ToHexString(prefix)}");
                    }
                }
            }
        });

        // Three elements; then an offset of 15 hours, which MessagePack lets out as ArgumentOutOfRangeException.
        var three = Write((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(3);
            w.Write(DateTime.UnixEpoch);
            w.Write((short)0);
            w.Write((short)0);
        });
        Assert.Equal("Invalid DateTimeOffset format.", Assert.Throws<MessagePackSerializationException>(() => Span(three).ReadDateTimeOffset()).Message);
        var farOffset = Write((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(DateTime.UnixEpoch);
            w.Write((short)(15 * 60));
        });
        Assert.Throws<MessagePackSerializationException>(() => Span(farOffset).ReadDateTimeOffset());
    }

    [Fact]
    public void Skip_passes_any_value_exactly_as_MessagePack_does()
    {
        AnyValue.Sample(SkipsAsMessagePack);

        // The 32-bit sizes, too long to draw at random.
        SkipsAsMessagePack((ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(3, new byte[70_000])));
        SkipsAsMessagePack((ref MessagePackWriter w) => w.Write(new byte[70_000]));
        SkipsAsMessagePack((ref MessagePackWriter w) => w.Write(new string('s', 70_000)));
        SkipsAsMessagePack((ref MessagePackWriter w) => WriteNils(ref w, 70_000, map: false));

        // The 16- and 32-bit map and array headers, more children than the random values have.
        SkipsAsMessagePack((ref MessagePackWriter w) => WriteNils(ref w, 20, map: false));
        SkipsAsMessagePack((ref MessagePackWriter w) => WriteNils(ref w, 16, map: true));
        SkipsAsMessagePack((ref MessagePackWriter w) => WriteNils(ref w, 65_536, map: true));
        Assert.Equal(16, Span(Write((ref MessagePackWriter w) => WriteNils(ref w, 16, map: true))).ReadMapHeader());
    }

    [Fact]
    public void Every_read_of_any_value_and_of_every_truncation_of_it_ends_as_MessagePack_s_does()
    {
        AnyValue.Sample(
            write =>
            {
                var bytes = Write(write);

                // Every cut of a short value; some fifty of a long one, the whole value and the last byte's always among them.
                var step = Math.Max(1, bytes.Length / 50);
                for (var length = bytes.Length; length >= 0; length -= step)
                {
                    var prefix = bytes[..length];
                    foreach (var (name, ours, theirs) in Reads)
                    {
                        Assert.True(Outcome(() => theirs(prefix)) == Outcome(() => ours(prefix)), $"{name} of {Convert.ToHexString(prefix)}");
                    }
                }
            },
            iter: 50);
    }

    [Fact]
    public void Every_truncation_of_a_value_throws_end_of_stream()
    {
        AnyValue.Sample(write =>
        {
            var bytes = Write(write);

            // Every cut of a short value; some two hundred of a long one, the last byte's always among them.
            var step = Math.Max(1, bytes.Length / 200);
            for (var length = bytes.Length - 1; length >= 0; length -= step)
            {
                var prefix = bytes[..length];
                Assert.Throws<EndOfStreamException>(() => Span(prefix).Skip());
            }
        });

        byte[] map = [0xDF, 0x7F, 0xFF, 0xFF, 0xFF];
        Assert.Throws<EndOfStreamException>(() => Span(map).ReadMapHeader());
        Assert.Throws<EndOfStreamException>(() => Span([MessagePackCode.Str32, 0xFF, 0xFF, 0xFF, 0xFF, 1]).ReadString());
    }

    [Fact]
    public void A_value_of_another_kind_throws_the_unexpected_code()
    {
        var text = Write((ref MessagePackWriter w) => w.Write("x"));
        Assert.Equal(
            Assert.Throws<MessagePackSerializationException>(() => Pack(text).ReadInt32()).Message,
            Assert.Throws<MessagePackSerializationException>(() => Span(text).ReadInt32()).Message);
        byte[] one = [1];
        Assert.Throws<MessagePackSerializationException>(() => Span(one).ReadString());
        Assert.Throws<MessagePackSerializationException>(() => Span(one).ReadMapHeader());
        Assert.Throws<MessagePackSerializationException>(() => Span(one).ReadBoolean());
        Assert.Throws<MessagePackSerializationException>(() => Span(one).ReadBytes());
        Assert.Throws<MessagePackSerializationException>(() => Span(one).ReadDateTime());
        Assert.Throws<MessagePackSerializationException>(() => Span([0xC1]).Skip());
    }

    [Fact]
    public void Depth_is_limited_as_MessagePack_limits_it()
    {
        var options = Options.WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(2));
        var reader = Span([MessagePackCode.Nil]);
        reader.DepthStep(options);
        reader.DepthStep(options);
        Assert.Equal(2, reader.Depth);
        var thrown = false;
        try
        {
            reader.DepthStep(options);
        }
        catch (InsufficientExecutionStackException)
        {
            thrown = true;
        }

        Assert.True(thrown);
    }

    [Fact]
    public void Other_types_read_through_the_resolver_and_move_past_the_value()
    {
        var guid = Guid.NewGuid();
        var bytes = Write((ref MessagePackWriter w) =>
        {
            MessagePackSerializer.Serialize(ref w, guid, Options);
            MessagePackSerializer.Serialize(ref w, new List<int> { 1, 2, 300 }, Options);
            w.Write(7);
        });
        var reader = Span(bytes);
        Assert.Equal(guid, reader.Read<Guid>(Options));
        Assert.Equal(new List<int> { 1, 2, 300 }, reader.Read<List<int>>(Options));
        Assert.Equal(7, reader.ReadInt32());
    }

    [Fact]
    public void A_member_with_a_span_formatter_is_read_by_it_directly_and_moves_past_the_value()
    {
        var formatter = new PairFormatter();
        var options = Options.WithResolver(
            MessagePack.Resolvers.CompositeResolver.Create([formatter], [MessagePack.Resolvers.StandardResolver.Instance]));
        var bytes = Write((ref MessagePackWriter w) =>
        {
            formatter.Serialize(ref w, ("first", 1), options);
            formatter.Serialize(ref w, ("second", 2), options);
        });
        var reader = Span(bytes);
        Assert.Equal(("first", 1), reader.Read<(string, int)>(options));
        Assert.Equal(("second", 2), reader.Read<(string, int)>(options));
        Assert.Equal(bytes.Length, reader.Consumed);
        Assert.Equal(0, formatter.HandOvers);
    }

    [Fact]
    public void A_MessagePackReader_caller_gets_the_value_and_is_moved_past_it_even_over_split_buffers()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            PairFormatter.Instance.Serialize(ref w, ("key", -5), Options);
            w.Write(true);
        });
        for (var split = 0; split <= bytes.Length; split++)
        {
            var reader = new MessagePackReader(Split(bytes, split));
            Assert.Equal(("key", -5), MessagePackSpanReader.Deserialize(ref reader, Options, PairFormatter.Instance));
            Assert.True(reader.ReadBoolean());
            Assert.True(reader.End);
        }

        // MessagePack's own entry point and collection formatters reach the span formatter through the same bridge.
        var resolver = MessagePack.Resolvers.CompositeResolver.Create([PairFormatter.Instance], [MessagePack.Resolvers.StandardResolver.Instance]);
        var list = MessagePackSerializer.Deserialize<List<(string, int)>>(
            MessagePackSerializer.Serialize(new List<(string, int)> { ("a", 1), ("b", 2) }, Options.WithResolver(resolver)), Options.WithResolver(resolver));
        Assert.Equal(new List<(string, int)> { ("a", 1), ("b", 2) }, list);
    }

    /// <summary>Each read, ours and MessagePack's, returning what it read (and, for skip, how far it got).</summary>
    private static readonly (string Name, Func<byte[], object?> Ours, Func<byte[], object?> Theirs)[] Reads =
    [
        ("TryReadNil", b => Span(b).TryReadNil(), b => Pack(b).TryReadNil()),
        ("ReadBoolean", b => Span(b).ReadBoolean(), b => Pack(b).ReadBoolean()),
        ("ReadInt32", b => Span(b).ReadInt32(), b => Pack(b).ReadInt32()),
        ("ReadUInt64", b => Span(b).ReadUInt64(), b => Pack(b).ReadUInt64()),
        ("ReadInt64", b => Span(b).ReadInt64(), b => Pack(b).ReadInt64()),
        ("ReadByte", b => Span(b).ReadByte(), b => Pack(b).ReadByte()),
        ("ReadDouble", b => Span(b).ReadDouble(), b => Pack(b).ReadDouble()),
        ("ReadSingle", b => Span(b).ReadSingle(), b => Pack(b).ReadSingle()),
        ("ReadString", b => Span(b).ReadString(), b => Pack(b).ReadString()),
        ("ReadBytes", b => Span(b).ReadBytes(), b => Pack(b).ReadBytes()?.ToArray()),
        ("ReadDateTime", b => Span(b).ReadDateTime(), b => Pack(b).ReadDateTime()),
        ("ReadMapHeader", b => Span(b).ReadMapHeader(), b => Pack(b).ReadMapHeader()),
        ("ReadDateTimeOffset", b => Span(b).ReadDateTimeOffset(), b => { var r = Pack(b); return DateTimeOffsetFormatter.Instance.Deserialize(ref r, Options); }),
        ("ReadTimeSpan", b => Span(b).ReadTimeSpan(), b => { var r = Pack(b); return TimeSpanFormatter.Instance.Deserialize(ref r, Options); }),
        ("Skip", b => { var r = Span(b); r.Skip(); return (long)r.Consumed; }, b => { var r = Pack(b); r.Skip(); return r.Consumed; }),
    ];

    private delegate void WriteInteger(ref MessagePackWriter writer, Int128 value);

    /// <summary>Any MessagePack value, nested maps and arrays and extensions included.</summary>
    private static readonly Gen<WriteValue> AnyValue = Gen.Recursive<WriteValue>((depth, nested) =>
    {
        var scalar = Gen.OneOf(
            AnyInteger.SelectMany(v => Gen.OneOf(Encodings.Where(e => v >= e.Min && v <= e.Max).ToArray()).Select(e => (WriteValue)((ref MessagePackWriter w) => e.Write(ref w, v)))),
            Gen.Double.Select(d => (WriteValue)((ref MessagePackWriter w) => w.Write(d))),
            Gen.Float.Select(f => (WriteValue)((ref MessagePackWriter w) => w.Write(f))),
            Gen.Bool.Select(b => (WriteValue)((ref MessagePackWriter w) => w.Write(b))),
            Gen.Const((WriteValue)((ref MessagePackWriter w) => w.WriteNil())),
            Gen.Int[0, 300].Select(n => (WriteValue)((ref MessagePackWriter w) => w.Write(new string('s', n)))),
            Gen.Int[0, 300].Select(n => (WriteValue)((ref MessagePackWriter w) => w.Write(new byte[n]))),
            Gen.Select(Gen.SByte, Gen.OneOf(0, 1, 2, 3, 4, 8, 16, 17, 300)).Select((type, n) =>
                (WriteValue)((ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(type, new byte[n])))));
        if (depth >= 3)
        {
            return scalar;
        }

        var children = nested.Array[0, 8];
        return Gen.OneOf(
            scalar,
            children.Select(items => (WriteValue)((ref MessagePackWriter w) =>
            {
                w.WriteArrayHeader(items.Length);
                foreach (var item in items)
                {
                    item(ref w);
                }
            })),
            children.Select(items => (WriteValue)((ref MessagePackWriter w) =>
            {
                w.WriteMapHeader(items.Length / 2);
                foreach (var item in items.Take(items.Length / 2 * 2))
                {
                    item(ref w);
                }
            })));
    });

    /// <summary>The value read, or the type of the exception thrown.</summary>
    private static string Outcome(Func<object?> read)
    {
        try
        {
            return read() switch
            {
                null => "null",
                byte[] bytes => Convert.ToHexString(bytes),
                double d => BitConverter.DoubleToInt64Bits(d).ToString(System.Globalization.CultureInfo.InvariantCulture),
                float f => BitConverter.SingleToInt32Bits(f).ToString(System.Globalization.CultureInfo.InvariantCulture),
                DateTime t => t.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset o => $"{o.Ticks} {o.Offset}",
                var value => $"{value.GetType().Name} {value}",
            };
        }
        catch (Exception ex)
        {
            return ex.GetType().Name;
        }
    }

    private static void WriteNils(ref MessagePackWriter writer, int count, bool map)
    {
        if (map)
        {
            writer.WriteMapHeader(count);
            count *= 2;
        }
        else
        {
            writer.WriteArrayHeader(count);
        }

        for (var i = 0; i < count; i++)
        {
            writer.WriteNil();
        }
    }

    private static void SkipsAsMessagePack(WriteValue write)
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            write(ref w);
            w.Write(true); // a sentinel after the value
        });
        var theirs = Pack(bytes);
        theirs.Skip();
        var ours = Span(bytes);
        ours.Skip();
        Assert.Equal(theirs.Consumed, ours.Consumed);
        Assert.True(ours.ReadBoolean());
    }

    /// <summary>Checks one instant both ways; returns its encoded size.</summary>
    private static int RoundTrip(DateTime instant)
    {
        var bytes = Write((ref MessagePackWriter w) => w.Write(instant));
        Assert.Equal(Pack(bytes).ReadDateTime(), Span(bytes).ReadDateTime());
        return bytes.Length;
    }

    private static MessagePackSpanReader Span(byte[] bytes) => new(bytes);

    private static MessagePackReader Pack(byte[] bytes) => new(bytes);

    /// <summary><paramref name="bytes"/> as two buffers, cut at <paramref name="at"/>.</summary>
    private static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        var second = new Segment(bytes.AsMemory(at), at, next: null);
        var first = new Segment(bytes.AsMemory(0, at), 0, second);
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex, Segment? next)
        {
            Memory = memory;
            RunningIndex = runningIndex;
            Next = next;
        }
    }

    /// <summary>A span formatter as the generator writes them, for a (string, int) pair as a one-entry map.</summary>
    private sealed class PairFormatter : IMessagePackSpanFormatter<(string, int)>
    {
        public static readonly PairFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, (string, int) value, MessagePackSerializerOptions options)
        {
            writer.WriteMapHeader(1);
            writer.Write(value.Item1);
            writer.Write(value.Item2);
        }

        /// <summary>How many reads came through the <see cref="MessagePackReader"/> overload.</summary>
        public int HandOvers { get; private set; }

        public (string, int) Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            HandOvers++;
            return MessagePackSpanReader.Deserialize(ref reader, options, this);
        }

        public (string, int) Deserialize(ref MessagePackSpanReader reader, MessagePackSerializerOptions options)
        {
            reader.DepthStep(options);
            Assert.Equal(1, reader.ReadMapHeader());
            var pair = (reader.ReadString()!, reader.ReadInt32());
            reader.Depth--;
            return pair;
        }
    }
}
