using System;
using Microsoft.Extensions.Time.Testing;
using StateLog.Storage.IO;

namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>
/// One simulated machine for the in-process suites: a <see cref="MemStorage"/> disk under a <see cref="FaultStorage"/>,
/// a fake clock, and the engine options every suite shares (Fsync, tiny segments, no background cleaner).
/// A power loss swaps in the post-crash disk; the old engine is abandoned without Dispose, as a dead process would be.
/// </summary>
internal sealed class SimulatedDisk
{
    public const string Root = "/mem";
    public const string DataDirectory = "/mem/data";

    public SimulatedDisk(MemStorage? disk = null, FakeTimeProvider? time = null)
    {
        Disk = disk ?? new MemStorage(Root);
        Faults = new FaultStorage(Disk);
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    public MemStorage Disk { get; private set; }

    public FaultStorage Faults { get; private set; }

    public FakeTimeProvider Time { get; }

    /// <summary>Extra settings a suite applies to every engine it opens.</summary>
    public Action<StateLogOptions>? Configure { get; init; }

    public StateLogOptions Options(ICrashPoints? crashPoints = null)
    {
        var options = new StateLogOptions
        {
            DataDirectory = DataDirectory,
            Durability = Durability.Fsync,
            SegmentBytes = 1024,
            MaxRecordBytes = 512,
            IndexIntervalBytes = 100,
            SegmentMaxAge = TimeSpan.FromSeconds(10),
            EnableCleaner = false,
            TimeProvider = Time,
            Storage = Faults,
            CrashPoints = crashPoints ?? NoCrashPoints.Instance,

            // The suites replay the same storage operations in the same order (FaultStorage numbers them, a crash
            // keeps what the last writes left): partitions open one at a time here, and engines from Open compact
            // them one at a time. ParallelOpenTests and ConcurrentPartitionTests cover both at once.
            RecoveryThreads = 1,
        };
        Configure?.Invoke(options);
        return options;
    }

    public StateLogEngine Open()
    {
        var engine = StateLogEngine.Open(Options());
        engine.Cleaner.CopyThreads = 1;
        return engine;
    }

    /// <summary>Cuts the power: the disk becomes what <paramref name="mode"/> keeps, with fresh fault injection.</summary>
    public void PowerLoss(CrashMode mode, Random random)
    {
        Faults.FreezeAt(0);
        Disk = Disk.Crash(mode, random);
        Faults = new FaultStorage(Disk);
    }
}
