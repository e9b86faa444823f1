using System.Text;

namespace StateLog.Tests.Records;

public sealed class KafkaPartitionerTests
{
    // Kafka's UtilsTest.testMurmur2 vectors and the partitions of reference §4.
    [Theory]
    [InlineData("21", -973932308, 0, 4, 0, 0, 12)]
    [InlineData("foobar", -790332482, 0, 6, 6, 6, 14)]
    [InlineData("a-little-bit-long-string", -985981536, 2, 0, 2, 8, 0)]
    [InlineData("a-little-bit-longer-string", -1486304829, 2, 3, 9, 11, 3)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971, 2, 5, 7, 5, 13)]
    [InlineData("abc", 479470107, 0, 3, 7, 3, 11)]
    public void Murmur2_AndPartition_MatchKafka(string key, int hash, int p3, int p8, int p10, int p12, int p16)
    {
        var bytes = Encoding.ASCII.GetBytes(key);
        Assert.Equal(hash, KafkaPartitioner.Murmur2(bytes));
        Assert.Equal(p3, KafkaPartitioner.Partition(bytes, 3));
        Assert.Equal(p8, KafkaPartitioner.Partition(bytes, 8));
        Assert.Equal(p10, KafkaPartitioner.Partition(bytes, 10));
        Assert.Equal(p12, KafkaPartitioner.Partition(bytes, 12));
        Assert.Equal(p16, KafkaPartitioner.Partition(bytes, 16));
    }

    [Fact]
    public void Murmur2_OfEmptyAndKey_MatchTheDerivedValues()
    {
        Assert.Equal(275646681, KafkaPartitioner.Murmur2([]));
        Assert.Equal(-1079937367, KafkaPartitioner.Murmur2("key"u8));
        Assert.Equal(1, KafkaPartitioner.Partition("key"u8, 3));
    }
}
