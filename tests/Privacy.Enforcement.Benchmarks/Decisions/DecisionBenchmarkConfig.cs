using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Privacy.Enforcement.Benchmarks.Decisions;

/// <summary>A short job run in process: on a shared build machine the generated out-of-process project does not build within
/// BenchmarkDotNet's two-minute limit, and building a million subjects needs more than the default in-process time limit.</summary>
public sealed class DecisionBenchmarkConfig : ManualConfig
{
    public DecisionBenchmarkConfig() =>
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(5).WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)).WithId("short-inprocess"));
}
