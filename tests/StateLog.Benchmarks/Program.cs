using System;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Benchmarks.Append;
using StateLog.Benchmarks.Macro;
using StateLog.Benchmarks.Micro;

namespace StateLog.Benchmarks;

/// <summary>
/// <c>macro</c>: StateLog and its peers side by side (docs/benchmarks.md); <c>append</c>: the single-partition
/// append bench; <c>micro</c>: the BenchmarkDotNet micro benches (BenchmarkDotNet's own arguments follow);
/// <c>child</c>: one engine of the macro bench, started by <c>macro</c>.
/// </summary>
internal static class Program
{
    private const string Usage = "usage: macro [--quick] [--uniform] [--value-bytes N] [--engines a,b] | append [--records N] | micro [BenchmarkDotNet args]";

    private static async Task<int> Main(string[] args)
    {
        var rest = args.Skip(1).ToArray();
        switch (args.FirstOrDefault())
        {
            case "macro":
                return await MacroRunner.RunAsync(rest);
            case "child" when rest.Length >= 2:
                return await ChildRunner.RunAsync(EngineCatalog.Find(rest[0]), rest[1], MacroParameters.Parse(rest[2..]));
            case "append":
                return await AppendBench.RunAsync(rest);
            case "micro":
                return MicroRunner.Run(rest);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
