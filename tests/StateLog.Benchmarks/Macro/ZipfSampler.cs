using System;

namespace StateLog.Benchmarks.Macro;

/// <summary>
/// Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^theta, by binary search over the cumulative
/// distribution (exact, and cheap enough for a few million draws made before any timing starts).
/// </summary>
internal sealed class ZipfSampler
{
    private readonly double[] _cumulative;
    private readonly Random _random;

    public ZipfSampler(int n, double theta, int seed)
    {
        _cumulative = new double[n];
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += 1.0 / Math.Pow(i + 1, theta);
            _cumulative[i] = sum;
        }

        for (var i = 0; i < n; i++)
        {
            _cumulative[i] /= sum;
        }

        _random = new Random(seed);
    }

    public int Next()
    {
        var index = Array.BinarySearch(_cumulative, _random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, _cumulative.Length - 1);
    }
}
