using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Privacy.Enforcement.Benchmarks.Decisions;

/// <summary>A short job run in process: on a shared build machine the generated out-of-process project does not build within BenchmarkDotNet's two-minute limit.</summary>
public sealed class DecisionBenchmarkConfig : ManualConfig
{
    public DecisionBenchmarkConfig() =>
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance).WithId("short-inprocess"));
}
