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

if (args is [Privacy.Enforcement.Benchmarks.Throughput.AtSizeTrail.Command, var store, var events])
{
    // Not a BenchmarkDotNet run: generates (or finds) the cached trail the at-size benchmarks use, and says how long it took.
    await Privacy.Enforcement.Benchmarks.Throughput.AtSizeTrail.GenerateAsync(store, long.Parse(events, System.Globalization.CultureInfo.InvariantCulture), Console.Out);
    return;
}

if (args is [Privacy.Enforcement.Benchmarks.Throughput.InstanceProcess.Command, var schema, var chainEach, var callers, var first])
{
    // Not a BenchmarkDotNet run: one application instance of SeveralInstancesAuditBenchmarks, driven through stdin.
    await Privacy.Enforcement.Benchmarks.Throughput.InstanceProcess.RunAsync(
        schema, chainEach == "1", int.Parse(callers, System.Globalization.CultureInfo.InvariantCulture), int.Parse(first, System.Globalization.CultureInfo.InvariantCulture), Console.In, Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
