using System;
using CsCheck;
using StateLog.Storage.Records;
using Xunit;

namespace StateLog.Tests.Records;

/// <summary>
/// CRC-32C against a bit-at-a-time reference: short inputs take one chain, inputs of a round (768 bytes) and more take
/// three chains joined by the shift table, so lengths around and across round boundaries, any starting CRC and any
/// split of the input into appends must all give the reference's value.
/// </summary>
public sealed class Crc32CTests
{
    [Fact]
    public void AnyLength_AnyStart_EqualsTheBitwiseReference()
    {
        Gen.Select(Gen.Byte.Array[0, 4000], Gen.UInt).Sample((data, start) =>
            Assert.Equal(Reference(start, data), Crc32C.Append(start, data)));
    }

    [Theory]
    [InlineData(767)]
    [InlineData(768)]
    [InlineData(769)]
    [InlineData(1535)]
    [InlineData(1536)]
    [InlineData(3 * 768 + 7)]
    [InlineData(1 << 20)]
    public void AroundRoundBoundaries_EqualsTheBitwiseReference(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(Reference(0, data), Crc32C.Compute(data));
    }

    [Fact]
    public void SplitIntoAppends_EqualsOneAppend()
    {
        Gen.Select(Gen.Byte.Array[0, 5000], Gen.Int[0, 5000]).Sample((data, cut) =>
        {
            cut = Math.Min(cut, data.Length);
            Assert.Equal(Crc32C.Compute(data), Crc32C.Append(Crc32C.Compute(data.AsSpan(0, cut)), data.AsSpan(cut)));
        });
    }

    /// <summary>CRC-32C one bit at a time (reflected polynomial 0x82F63B78), continuing <paramref name="crc"/>.</summary>
    private static uint Reference(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        foreach (var b in data)
        {
            state ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                state = (state & 1) != 0 ? (state >> 1) ^ 0x82F63B78u : state >> 1;
            }
        }

        return ~state;
    }
}
