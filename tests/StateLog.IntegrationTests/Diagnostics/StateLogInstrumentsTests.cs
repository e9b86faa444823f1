using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StateLog.Diagnostics;
using StateLog.IntegrationTests.TestSupport;

namespace StateLog.IntegrationTests.Diagnostics;

/// <summary>
/// Listens to the process-wide <c>StateLog</c> meter, so it runs alone (<see cref="MeterCollection"/>); each test
/// writes under its own topic name so that measurements from other engines cannot match.
/// </summary>
[Collection(MeterCollection.Name)]
public sealed class StateLogInstrumentsTests
{
    private readonly string _topic = "metrics-" + Guid.NewGuid().ToString("N");

    [Fact]
    public void RecordAppend_WithListener_CountsRecordsAndBytesAndTimesTheBatch()
    {
        using var listener = new MeasurementRecorder();

        StateLogInstruments.RecordAppend(_topic, 2, records: 3, bytes: 120, TimeSpan.FromMilliseconds(4));
        StateLogInstruments.RecordAppend(_topic, 70, records: 1, bytes: 40, TimeSpan.FromMilliseconds(2));

        var appends = listener.For("statelog.appends", _topic);
        Assert.Equal([(3.0, 2), (1.0, 70)], appends.Select(m => (m.Value, m.Partition)));
        Assert.Equal([120.0, 40.0], listener.For("statelog.append.bytes", _topic).Select(m => m.Value));
        Assert.Equal([0.004, 0.002], listener.For("statelog.append.duration", _topic).Select(m => m.Value));
    }

    [Fact]
    public void RecordCleanerPass_WithListener_TagsTheResult()
    {
        using var listener = new MeasurementRecorder();

        StateLogInstruments.RecordCleanerPass(_topic, 0, TimeSpan.FromSeconds(1.5), succeeded: true);
        StateLogInstruments.RecordCleanerPass(_topic, 1, TimeSpan.FromSeconds(0.5), succeeded: false);

        var passes = listener.For("statelog.cleaner.passes", _topic);
        Assert.Equal([(1.0, 0, "succeeded"), (1.0, 1, "failed")], passes.Select(m => (m.Value, m.Partition, m.Result)));
        Assert.Equal([1.5, 0.5], listener.For("statelog.cleaner.duration", _topic).Select(m => m.Value));
    }

    [Fact]
    public void RecordAppendAndCleanerPass_WithoutListener_DoNotAllocate()
    {
        StateLogInstruments.RecordAppend(_topic, 0, 1, 10, TimeSpan.FromMilliseconds(1));
        StateLogInstruments.RecordCleanerPass(_topic, 0, TimeSpan.FromMilliseconds(1), succeeded: true);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            StateLogInstruments.RecordAppend(_topic, i, 1, 10, TimeSpan.FromMilliseconds(1));
            StateLogInstruments.RecordCleanerPass(_topic, i, TimeSpan.FromMilliseconds(1), succeeded: true);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task CompactAsync_OnAHostedEngine_RecordsACleanerPass()
    {
        using var directory = new TempDirectory();
        using var host = TestHost.Build(directory.Path);
        await host.StartAsync();
        var topic = host.Services.GetRequiredService<StateLogEngine>().GetTopic(_topic, partitions: 1);
        await topic.PutAsync("a"u8.ToArray(), "1"u8.ToArray());
        await topic.PutAsync("a"u8.ToArray(), "2"u8.ToArray());
        using var listener = new MeasurementRecorder();

        await topic.CompactAsync();

        Assert.Equal([(1.0, 0, "succeeded")], listener.For("statelog.cleaner.passes", _topic).Select(m => (m.Value, m.Partition, m.Result)));
        Assert.Single(listener.For("statelog.cleaner.duration", _topic));
        await host.StopAsync();
    }

    [Fact]
    public async Task Track_ReportsLogSizeAndLiveKeysPerPartition_UntilUntracked()
    {
        using var directory = new TempDirectory();
        using var host = TestHost.Build(directory.Path);
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<StateLogEngine>();
        var topic = engine.GetTopic(_topic, partitions: 1);
        await topic.PutAsync("a"u8.ToArray(), "1"u8.ToArray());
        await topic.PutAsync("b"u8.ToArray(), "2"u8.ToArray());
        await topic.DeleteAsync("a"u8.ToArray());
        using var listener = new MeasurementRecorder();

        StateLogInstruments.Track(engine);
        StateLogInstruments.Track(engine);
        listener.Observe();
        StateLogInstruments.Untrack(engine);
        listener.Observe();

        Assert.Equal([(1.0, 0)], listener.For("statelog.live_keys", _topic).Select(m => (m.Value, m.Partition)));
        var size = Assert.Single(listener.For("statelog.log.size", _topic));
        Assert.Equal(topic.GetStats().Partitions[0].SizeInBytes, size.Value);
        Assert.True(size.Value > 0);
        await host.StopAsync();
    }

    /// <summary>Collects measurements of the <c>StateLog</c> meter while alive.</summary>
    internal sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Recorded> _recorded = new();

        public MeasurementRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == StateLogInstruments.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        /// <summary>Reads the observable gauges now.</summary>
        public void Observe() => _listener.RecordObservableInstruments();

        public List<Recorded> For(string instrument, string topic) =>
            _recorded.Where(r => r.Instrument == instrument && r.Topic == topic).ToList();

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? topic = null;
            string? result = null;
            var partition = -1;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case StateLogInstruments.TopicTag:
                        topic = (string?)tag.Value;
                        break;
                    case StateLogInstruments.PartitionTag:
                        partition = (int)tag.Value!;
                        break;
                    case StateLogInstruments.CleanerResultTag:
                        result = (string?)tag.Value;
                        break;
                }
            }

            _recorded.Enqueue(new Recorded(instrument.Name, topic, partition, result, value));
        }
    }

    internal sealed record Recorded(string Instrument, string? Topic, int Partition, string? Result, double Value);
}
