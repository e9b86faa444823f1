using System;

namespace StateLog.Benchmarks.Macro;

/// <summary>Receives the records of a full scan.</summary>
internal interface IScanSink
{
    void Accept(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);
}
