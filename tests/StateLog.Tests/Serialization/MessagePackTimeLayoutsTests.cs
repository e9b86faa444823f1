using System;
using CsCheck;
using MessagePack;
using MessagePack.Formatters;
using StateLog.Serialization;
using Xunit;
using static StateLog.Tests.Serialization.MessagePackBytes;

namespace StateLog.Tests.Serialization;

/// <summary>
/// <see cref="MessagePackTimeLayouts"/> writes the bytes MessagePack's built-in formatters write, so a value written by
/// either reads back the same through either, and <see cref="MessagePackSpanReader"/> reads it back exactly.
/// </summary>
public sealed class MessagePackTimeLayoutsTests
{
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard;

    [Fact]
    public void Date_time_offsets_are_written_as_MessagePack_s_formatter_writes_them_and_read_back_exactly()
    {
        Gen.DateTimeOffset.Sample(value =>
        {
            var ours = Write((ref MessagePackWriter w) => MessagePackTimeLayouts.WriteDateTimeOffset(ref w, value));
            var theirs = Write((ref MessagePackWriter w) => DateTimeOffsetFormatter.Instance.Serialize(ref w, value, Options));
            Assert.Equal(theirs, ours);
            var read = new MessagePackSpanReader(ours).ReadDateTimeOffset();
            Assert.Equal((value.Ticks, value.Offset), (read.Ticks, read.Offset));
        });
    }

    [Fact]
    public void Time_spans_are_written_as_MessagePack_s_formatter_writes_them_and_read_back_exactly()
    {
        Gen.TimeSpan.Sample(value =>
        {
            var ours = Write((ref MessagePackWriter w) => MessagePackTimeLayouts.WriteTimeSpan(ref w, value));
            Assert.Equal(Write((ref MessagePackWriter w) => TimeSpanFormatter.Instance.Serialize(ref w, value, Options)), ours);
            Assert.Equal(value, new MessagePackSpanReader(ours).ReadTimeSpan());
        });
    }
}
