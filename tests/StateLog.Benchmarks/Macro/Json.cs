using System.Text.Json;
using System.Text.Json.Serialization;

namespace StateLog.Benchmarks.Macro;

/// <summary>The JSON settings of the child's result line and of the run's file (NaN marks a figure not measured).</summary>
internal static class Json
{
    public static JsonSerializerOptions Line { get; } = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static JsonSerializerOptions File { get; } = new(Line) { WriteIndented = true };
}
