using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Privacy.Enforcement.Benchmarks.Throughput;

/// <summary>
/// The quick in-process job of the throughput benchmarks: each invocation is one closed-loop round (every caller runs
/// its loop to the end), one warm-up and three measured rounds, so a whole class runs in minutes. Pass
/// <c>--warmupCount</c> / <c>--iterationCount</c> for a longer run. Adds an events-per-second column:
/// <c>Callers x PerCaller / Mean</c>, with <c>PerCaller</c> the benchmark class's public constant.
/// </summary>
public sealed class ClosedLoopConfig : ManualConfig
{
    public ClosedLoopConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
            .WithInvocationCount(1).WithUnrollFactor(1)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
            .WithId("quick-closed-loop"));
        AddColumn(new RateColumn());
    }

    private sealed class RateColumn : IColumn
    {
        public string Id => nameof(RateColumn);

        public string ColumnName => "Per second";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Operations completed per second, all callers together (Callers x PerCaller / Mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            if (summary[benchmarkCase]?.ResultStatistics is not { } stats)
            {
                return "-";
            }

            var perCaller = (int)(benchmarkCase.Descriptor.Type.GetField("PerCaller")?.GetRawConstantValue() ?? 1);
            var callers = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Callers")?.Value is int c ? c : 1;
            return (callers * perCaller / (stats.Mean / 1e9)).ToString("N0", CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
