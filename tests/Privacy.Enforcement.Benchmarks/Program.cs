using BenchmarkDotNet.Running;
using Privacy.Enforcement.Benchmarks.Stores;

if (args is [PairedStoreCheck.Command])
{
    // Not a BenchmarkDotNet run: the store and raw calls alternated, for a like-for-like ratio on a loaded machine.
    await PairedStoreCheck.RunAsync(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
