using System;

namespace StateLog.Benchmarks.Macro;

/// <summary>An engine of the macro bench: its command-line id, its name in the table, and how to make an adapter for a run.</summary>
internal sealed record EngineEntry(string Id, string DisplayName, Func<MacroParameters, IEngineAdapter> Create);
