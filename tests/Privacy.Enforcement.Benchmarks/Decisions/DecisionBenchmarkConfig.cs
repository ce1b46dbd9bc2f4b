using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Privacy.Enforcement.Benchmarks.Decisions;

/// <summary>A short job run in process: on a shared build machine the generated out-of-process project does not build within
/// BenchmarkDotNet's two-minute limit, and building a million subjects needs more than the default in-process time limit.</summary>
public sealed class DecisionBenchmarkConfig : ManualConfig
{
    public DecisionBenchmarkConfig() => AddJob(ShortInProcess.WithId("short-inprocess"));

    /// <summary>Gets the short in-process job.</summary>
    internal static Job ShortInProcess => Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(5).WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true));
}

/// <summary>The short in-process job, one invocation per iteration (each iteration sets up its own queue of events).</summary>
public sealed class SingleInvocationBenchmarkConfig : ManualConfig
{
    public SingleInvocationBenchmarkConfig() =>
        AddJob(DecisionBenchmarkConfig.ShortInProcess.WithIterationCount(10).WithInvocationCount(1).WithUnrollFactor(1).WithId("single-invocation-inprocess"));
}
