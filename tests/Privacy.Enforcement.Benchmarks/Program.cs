using BenchmarkDotNet.Running;
using Privacy.Enforcement.Benchmarks.Stores;

if (args is [PairedStoreCheck.Command])
{
    // Not a BenchmarkDotNet run: the store and raw calls alternated, for a like-for-like ratio on a loaded machine.
    await PairedStoreCheck.RunAsync(Console.Out);
    return;
}

if (args is [Privacy.Enforcement.Benchmarks.Throughput.ColdDecisionBenchmarks.PairedCommand])
{
    // Not a BenchmarkDotNet run: the cold decision and its raw query alternated, as paired-stores does.
    await Privacy.Enforcement.Benchmarks.Throughput.ColdDecisionBenchmarks.RunPairedAsync(Console.Out);
    return;
}

if (args is [Privacy.Enforcement.Benchmarks.Throughput.ProfileLoop.Command, var scenario, var seconds])
{
    // Not a BenchmarkDotNet run: one scenario in a loop, for a profiler.
    await Privacy.Enforcement.Benchmarks.Throughput.ProfileLoop.RunAsync(scenario, double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
