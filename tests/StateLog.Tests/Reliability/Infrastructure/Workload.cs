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

    private readonly System.Collections.Generic.HashSet<int> _failedPartitions = new();

    /// <summary>Go on after a failed step (D7) instead of stopping at the first one.</summary>
    public bool ContinueAfterFailure { get; init; }

    /// <summary>Appends refused by a partition in its failed state.</summary>
    public int Refused { get; private set; }

    /// <summary>Opens the engine and checks what it recovered against the oracle (problems go to <see cref="Problems"/>).</summary>
    public async Task OpenAsync()
    {
        Engine = null;
        var engine = machine.Open();
        try
        {
            Topic = engine.GetTopic(topicName, partitions);
        }
        catch
        {
            engine.Dispose();
            throw;
        }

        Engine = engine;
        _failedPartitions.Clear();
        Problems.AddRange(await Oracle.CheckAndAdoptAsync(Topic));
    }

    /// <summary>Runs up to <paramref name="steps"/> steps; stops at the first storage failure and returns false then.</summary>
    public async Task<bool> RunAsync(int steps)
    {
        var ok = true;
        for (var i = 0; i < steps; i++)
        {
            if (!await StepAsync())
            {
                ok = false;
                if (!ContinueAfterFailure)
                {
                    break;
                }
            }
        }

        return ok;
    }

    private async Task<bool> StepAsync()
    {
        var roll = random.Next(100);
        try
        {
            if (Engine is null)
            {
                await OpenAsync();
            }

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
                    var engine = Engine!;
                    Engine = null;
                    engine.Dispose();
                    await OpenAsync();
                    return true;
            }
        }
        catch (Exception e) when (e is System.IO.IOException or StateLogException)
        {
            if (e is PartitionFailedException failed)
            {
                _failedPartitions.Add(failed.Partition);
            }

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
        catch (PartitionFailedException)
        {
            // The first failure may have left the write on disk unsynced (a failed fsync); later ones were refused
            // before any byte was written, so they must never appear.
            if (!_failedPartitions.Add(partition))
            {
                Oracle.Forget(partition, slot);
                Refused++;
            }

            FailedAppends++;
            return false;
        }
        catch (StateLogException e) when (e.InnerException is System.IO.IOException)
        {
            // The engine undid the write: nothing of it may ever appear.
            Oracle.Forget(partition, slot);
            FailedAppends++;
            return false;
        }

        if (_failedPartitions.Contains(partition))
        {
            Problems.Add($"partition {partition}: offset {position.Offset} was acknowledged after the partition failed");
        }

        if (Oracle.Acked(partition, slot, position.Offset) is { } problem)
        {
            Problems.Add(problem);
        }

        return true;
    }
}
