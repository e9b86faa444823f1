using System;
using System.Threading.Tasks;

namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>
/// The shared randomized workload (D2, D3, D7): puts over a few hot keys with values of mixed size, tombstones,
/// clock advances (age rolls and recovery-point checkpoints through the maintenance timer), flushes and clean
/// restarts. Every append goes through the <see cref="LogOracle"/>. Deterministic for a seed: appends are awaited
/// one by one and the clock is fake.
/// </summary>
internal sealed class Workload(SimulatedDisk machine, Random random, string topicName = "orders", int partitions = 2, int keys = 12)
{
    private long _sequence;

    public LogOracle Oracle { get; } = new(partitions);

    public StateLogEngine? Engine { get; private set; }

    public TopicLog? Topic { get; private set; }

    /// <summary>Problems seen while running (wrong acknowledged offsets).</summary>
    public System.Collections.Generic.List<string> Problems { get; } = new();

    /// <summary>Appends that failed with an exception (expected once a fault or freeze is injected).</summary>
    public int FailedAppends { get; private set; }

    public void Open()
    {
        Engine = machine.Open();
        Topic = Engine.GetTopic(topicName, partitions);
    }

    /// <summary>Runs up to <paramref name="steps"/> steps; stops at the first storage failure and returns false then.</summary>
    public async Task<bool> RunAsync(int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            if (!await StepAsync())
            {
                return false;
            }
        }

        return true;
    }

    private async Task<bool> StepAsync()
    {
        var roll = random.Next(100);
        try
        {
            switch (roll)
            {
                case < 80:
                    return await AppendAsync(roll < 70 ? new string('v', random.Next(0, 300)) : null);
                case < 90:
                    machine.Time.Advance(TimeSpan.FromMilliseconds(random.Next(100, 6000)));
                    return true;
                case < 96:
                    await Engine!.FlushAsync();
                    return true;
                default:
                    Engine!.Dispose();
                    Open();
                    return true;
            }
        }
        catch (Exception e) when (e is System.IO.IOException or StateLogException)
        {
            FailedAppends++;
            return false;
        }
    }

    private async Task<bool> AppendAsync(string? padding)
    {
        var key = $"k{random.Next(keys)}";
        var partition = Topic!.PartitionFor(LogOracle.Bytes(key));
        var value = padding is null ? null : $"{key}@{++_sequence}{padding}";
        var slot = Oracle.Attempt(partition, key, value);
        RecordPosition position;
        try
        {
            position = value is null ? await Topic.DeleteAsync(LogOracle.Bytes(key)) : await Topic.PutAsync(LogOracle.Bytes(key), LogOracle.Bytes(value));
        }
        catch (StateLogException e) when (e is not PartitionFailedException && e.InnerException is System.IO.IOException)
        {
            // The engine undid the write: nothing of it may ever appear.
            Oracle.Forget(partition, slot);
            FailedAppends++;
            return false;
        }

        if (Oracle.Acked(partition, slot, position.Offset) is { } problem)
        {
            Problems.Add(problem);
        }

        return true;
    }
}
