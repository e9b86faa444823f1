using System;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Benchmarks.Append;
using StateLog.Benchmarks.Macro;
using StateLog.Benchmarks.Micro;
using StateLog.Benchmarks.Rounds;

namespace StateLog.Benchmarks;

/// <summary>
/// <c>macro</c>: StateLog and its peers side by side (docs/benchmarks.md); <c>rounds</c>: the macro's compaction and
/// reopen + scan repeated in one process, first round against later ones; <c>append</c>: the single-partition append
/// bench; <c>micro</c>: the BenchmarkDotNet micro benches (BenchmarkDotNet's own arguments follow); <c>child</c> and
/// <c>rounds-child</c>: one engine of <c>macro</c> or <c>rounds</c>, started by it.
/// </summary>
internal static class Program
{
    private const string Usage = "usage: macro [--quick] [--uniform] [--value-bytes N] [--engines a,b] [--runs N] | rounds [--rounds N] [--quick] [--engines a,b] | append [--records N] | micro [BenchmarkDotNet args]";

    private static async Task<int> Main(string[] args)
    {
        var rest = args.Skip(1).ToArray();
        switch (args.FirstOrDefault())
        {
            case "macro":
                return await MacroRunner.RunAsync(rest);
            case "child" when rest.Length >= 2:
                return await ChildRunner.RunAsync(EngineCatalog.Find(rest[0]), rest[1], MacroParameters.Parse(rest[2..]));
            case "rounds":
                return await RoundsBench.RunAsync(rest);
            case "rounds-child" when rest.Length >= 3:
                return await RoundsBench.RunChildAsync(EngineCatalog.Find(rest[0]), rest[1], int.Parse(rest[2], System.Globalization.CultureInfo.InvariantCulture), MacroParameters.Parse(rest[3..]));
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
