using System.Diagnostics;
using System.Globalization;

namespace Privacy.Enforcement.Benchmarks.Stores;

/// <summary>
/// The <see cref="ConsentStoreBenchmarks"/> operations timed in strict alternation (raw, store, store, raw, ...) over the
/// same seeded databases. On a shared, loaded machine BenchmarkDotNet measures the raw and the store case tens of
/// seconds apart, and the load changes in between; alternating one call of each puts both under the same load, and
/// the median ignores the calls that a neighbour's burst stalled. Run: <c>dotnet run -c Release -- paired-stores</c>.
/// </summary>
internal static class PairedStoreCheck
{
    public const string Command = "paired-stores";

    public static async Task RunAsync(TextWriter output)
    {
        output.WriteLine("| store | operation | raw median | store median | raw mean | store mean | ratio (medians) | ratio (means) | pairs |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var store in new[] { "SQLite", "PostgreSQL" })
        {
            var benchmarks = new ConsentStoreBenchmarks { Store = store };
            benchmarks.Setup();
            try
            {
                await MeasureAsync(output, store, "look-up (1M facts)", benchmarks.LookupRaw, benchmarks.LookupStore, pairs: 4000);
                await MeasureAsync(output, store, "grant (durable)", benchmarks.GrantRaw, benchmarks.GrantStore, pairs: 300);
            }
            finally
            {
                benchmarks.Cleanup();
            }
        }
    }

    internal static async Task MeasureAsync(TextWriter output, string store, string operation, Func<Task> raw, Func<Task> library, int pairs)
    {
        // Warm both paths (JIT, pools, caches) before anything is recorded.
        for (var i = 0; i < pairs / 10; i++)
        {
            await raw();
            await library();
        }

        var rawTimes = new double[pairs];
        var storeTimes = new double[pairs];
        for (var i = 0; i < pairs; i++)
        {
            // Alternate which goes first, so neither side always follows the other's writes or cache effects.
            if (i % 2 == 0)
            {
                rawTimes[i] = await TimeAsync(raw);
                storeTimes[i] = await TimeAsync(library);
            }
            else
            {
                storeTimes[i] = await TimeAsync(library);
                rawTimes[i] = await TimeAsync(raw);
            }
        }

        var rawMedian = Median(rawTimes);
        var storeMedian = Median(storeTimes);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {store} | {operation} | {rawMedian:F1} us | {storeMedian:F1} us | {rawTimes.Average():F1} us | {storeTimes.Average():F1} us | {storeMedian / rawMedian:F2} | {storeTimes.Average() / rawTimes.Average():F2} | {pairs} |"));
    }

    private static async Task<double> TimeAsync(Func<Task> operation)
    {
        var start = Stopwatch.GetTimestamp();
        await operation();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
