using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;

namespace StateLog.Tests.Storage;

public sealed class MetricsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Appends_AreCountedOnTheStateLogMeter_WithTopicAndPartitionTags()
    {
        var topicName = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        var measurements = new ConcurrentBag<(string Instrument, double Value, string? Topic)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "StateLog")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "statelog.topic")
                {
                    measurements.Add((instrument.Name, value, tag.Value as string));
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        using (var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = _dir.Path, Durability = Durability.Buffered }))
        {
            var topic = engine.GetTopic(topicName);
            for (var i = 0; i < 10; i++)
            {
                await topic.PutAsync(BitConverter.GetBytes(i), new byte[50]);
            }

            listener.RecordObservableInstruments();
        }

        var mine = measurements.Where(m => m.Topic == topicName).ToList();
        Assert.Equal(10, mine.Where(m => m.Instrument == "statelog.appends").Sum(m => m.Value));
        Assert.True(mine.Where(m => m.Instrument == "statelog.append.bytes").Sum(m => m.Value) > 10 * 50);
        Assert.Contains(mine, m => m.Instrument == "statelog.append.duration");
        Assert.Contains(mine, m => m.Instrument == "statelog.live_keys" && m.Value == 10);
    }
}
