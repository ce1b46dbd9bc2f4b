using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement.PostgreSql.Tests;

namespace Privacy.Enforcement.Benchmarks.Throughput;

/// <summary>
/// Several application instances, each its own process (<see cref="InstanceProcess"/>), deciding with durable audit on
/// PostgreSQL, 64 closed-loop callers in all (split between the instances), one round = every caller deciding
/// <see cref="PerCaller"/> times. <see cref="Trail"/>: <c>separate</c>, each process on a schema of its own (what the
/// shared cases are compared with, same run); <c>shared-one-chain</c>, all on one schema writing one chain behind the
/// append lock; <c>shared-chain-each</c>, all on one schema with a chain each (<c>AuditChainPerInstance</c>). Cases run
/// in name order: <c>separate</c> first in each group. Target: the shared schema with a chain each at least 0.9x the separate schemas.
/// Column <c>Append wait</c>: the time each audit batch waited before it could be written (the shared append lock, or
/// the instance's own chain), measured in the instances (<c>privacy.audit.append.wait</c>) over every round of the case.
/// </summary>
[Config(typeof(SeveralInstancesConfig))]
public class SeveralInstancesAuditBenchmarks
{
    public const int PerCaller = 150;
    public const int TotalCallers = 64;
    public const string SeparateSchemas = "separate";
    public const string SharedOneChain = "shared-one-chain";
    public const string SharedChainEach = "shared-chain-each";

    private static readonly ConcurrentDictionary<string, AppendWaitHistogram> Waits = new();
    private static int s_warmed;
    private readonly List<InstanceProcess> _instances = [];
    private AppendWaitHistogram _wait = new();

    [Params(1, 2, 3)]
    public int Instances { get; set; } = 1;

    [Params(SeparateSchemas, SharedOneChain, SharedChainEach)]
    public string Trail { get; set; } = SeparateSchemas;

    [GlobalSetup]
    public void Setup()
    {
        var connectionString = BenchmarkStores.PostgresConnectionString;
        WarmServerOnce(connectionString);
        var shared = BenchmarkStores.NewSchema("shared");
        var first = 0;
        for (var i = 0; i < Instances; i++)
        {
            var callers = (TotalCallers / Instances) + (i < TotalCallers % Instances ? 1 : 0);
            var schema = Trail == SeparateSchemas ? BenchmarkStores.NewSchema("own" + i) : shared;
            _instances.Add(InstanceProcess.Start(connectionString, schema, chainEach: Trail == SharedChainEach, callers, first));
            first += callers;
        }

        foreach (var instance in _instances)
        {
            instance.WaitReady();
        }

        _wait = Waits.GetOrAdd(Key(Instances, Trail), static _ => new AppendWaitHistogram());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var instance in _instances)
        {
            instance.Dispose();
        }

        Console.WriteLine($"// {Instances} instance(s), {Trail}: append wait per batch {_wait}; load {LoadAverage()}");
    }

    [Benchmark(Description = "durable audited decisions, instance processes")]
    public void Round()
    {
        foreach (var instance in _instances)
        {
            instance.Send("run " + PerCaller.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var instance in _instances)
        {
            _wait.Add(instance.ReadDone());
        }
    }

    /// <summary>
    /// Before the first case of a run: one instance, a few rounds on a scratch schema, so the first case measured does
    /// not pay alone for the new server's first write-ahead log segments and cold caches (cases run in name order).
    /// </summary>
    private static void WarmServerOnce(string connectionString)
    {
        if (Interlocked.Exchange(ref s_warmed, 1) != 0)
        {
            return;
        }

        using var warm = InstanceProcess.Start(connectionString, BenchmarkStores.NewSchema("warm"), chainEach: false, TotalCallers, 0);
        warm.WaitReady();
        for (var round = 0; round < 5; round++)
        {
            warm.Send("run " + PerCaller.ToString(CultureInfo.InvariantCulture));
            warm.ReadDone();
        }
    }

    /// <summary>The one-minute load average (Linux), for the report.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    internal static string Key(int instances, string trail) => instances.ToString(CultureInfo.InvariantCulture) + "|" + trail;

    internal static AppendWaitHistogram? WaitOf(BenchmarkCase benchmarkCase)
    {
        var instances = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(Instances))?.Value is int n ? n : 1;
        var trail = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(Trail))?.Value as string ?? SeparateSchemas;
        return Waits.TryGetValue(Key(instances, trail), out var wait) ? wait : null;
    }

    /// <summary>The closed-loop job, with the rate over all 64 callers and the append wait measured in the instances.</summary>
    private sealed class SeveralInstancesConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public SeveralInstancesConfig()
        {
            // The closed-loop job (its per-caller rate column does not apply: the callers are in the instances).
            AddJob(new ClosedLoopConfig().GetJobs().ToArray());
            AddColumn(new TotalRateColumn(), new AppendWaitColumn());
        }
    }

    private sealed class TotalRateColumn : IColumn
    {
        public string Id => nameof(TotalRateColumn);

        public string ColumnName => "Decisions/s, all instances";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 1;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Audited decisions per second, all instances together (64 callers x PerCaller / Mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            summary[benchmarkCase]?.ResultStatistics is { } stats ? (TotalCallers * PerCaller / (stats.Mean / 1e9)).ToString("N0", CultureInfo.InvariantCulture) : "-";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }

    private sealed class AppendWaitColumn : IColumn
    {
        public string Id => nameof(AppendWaitColumn);

        public string ColumnName => "Append wait per batch";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 2;

        public bool IsNumeric => false;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Time an audit batch waited before it was written (the shared lock, or the instance's own chain): mean, p90, batches; every round of the case";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => WaitOf(benchmarkCase)?.ToString() ?? "-";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}

/// <summary>Append waits per batch: a count, a sum, and counts per bucket (upper bounds in milliseconds), for a mean and a p90.</summary>
internal sealed class AppendWaitHistogram
{
    public static readonly double[] BoundsMs = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000, double.PositiveInfinity];

    private readonly long[] _buckets = new long[BoundsMs.Length];
    private long _count;
    private double _sumSeconds;

    public void Record(double seconds)
    {
        lock (_buckets)
        {
            _count++;
            _sumSeconds += seconds;
            _buckets[Array.FindIndex(BoundsMs, b => seconds * 1000 <= b)]++;
        }
    }

    public void Add(string report)
    {
        // "count sumSeconds b0 b1 ..."
        var parts = report.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        lock (_buckets)
        {
            _count += long.Parse(parts[0], CultureInfo.InvariantCulture);
            _sumSeconds += double.Parse(parts[1], CultureInfo.InvariantCulture);
            for (var i = 0; i < _buckets.Length; i++)
            {
                _buckets[i] += long.Parse(parts[2 + i], CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>Returns the report (see <see cref="Add"/>) and starts over.</summary>
    public string TakeReport()
    {
        lock (_buckets)
        {
            var report = _count.ToString(CultureInfo.InvariantCulture) + " " + _sumSeconds.ToString("R", CultureInfo.InvariantCulture) + " "
                + string.Join(' ', _buckets.Select(b => b.ToString(CultureInfo.InvariantCulture)));
            _count = 0;
            _sumSeconds = 0;
            Array.Clear(_buckets);
            return report;
        }
    }

    public override string ToString()
    {
        lock (_buckets)
        {
            if (_count == 0)
            {
                return "no batches";
            }

            long seen = 0;
            var p90 = BoundsMs[^1];
            for (var i = 0; i < _buckets.Length; i++)
            {
                seen += _buckets[i];
                if (seen >= 0.9 * _count)
                {
                    p90 = BoundsMs[i];
                    break;
                }
            }

            var p90Text = double.IsPositiveInfinity(p90) ? "> 1 s" : "<= " + p90.ToString("0.##", CultureInfo.InvariantCulture) + " ms";
            return string.Create(CultureInfo.InvariantCulture, $"{_sumSeconds * 1000 / _count:0.000} ms mean, p90 {p90Text}, {_count:N0} batches");
        }
    }
}

/// <summary>
/// One application instance in a process of its own (<c>Privacy.Enforcement.Benchmarks instance SCHEMA CHAIN-EACH CALLERS
/// FIRST-SUBJECT</c>, the server named by <c>PRIVACY_ENFORCEMENT_POSTGRES</c>): it starts an enforcer on the schema with
/// durable audit, seeds its callers' subjects and prints <c>ready</c>; then for each line <c>run N</c> its callers each
/// decide N times, closed loop, and it prints <c>done</c> and the append waits of its audit batches since the last
/// report (<see cref="AppendWaitHistogram"/>, from the <c>privacy.audit.append.wait</c> instrument); <c>exit</c> stops it.
/// </summary>
internal sealed class InstanceProcess : IDisposable
{
    public const string Command = "instance";

    private readonly Process _process;

    private InstanceProcess(Process process) => _process = process;

    public static InstanceProcess Start(string connectionString, string schema, bool chainEach, int callers, int firstSubject)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark host's path is unknown.");
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(InstanceProcess).Assembly.Location);
        }

        foreach (var argument in new[] { Command, schema, chainEach ? "1" : "0", callers.ToString(CultureInfo.InvariantCulture), firstSubject.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[PostgresServer.ConnectionStringVariable] = connectionString;
        return new InstanceProcess(Process.Start(start) ?? throw new InvalidOperationException("The instance process did not start."));
    }

    public void WaitReady() => Expect("ready");

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits for the end of a round and returns its append-wait report.</summary>
    public string ReadDone() => Expect("done")["done ".Length..];

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Send("exit");
            _process.WaitForExit(TimeSpan.FromMinutes(1));
        }

        _process.Dispose();
    }

    /// <summary>The instance's side: runs until <c>exit</c>.</summary>
    public static async Task RunAsync(string schema, bool chainEach, int callers, int firstSubject, TextReader input, TextWriter output)
    {
        var waits = new AppendWaitHistogram();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Privacy.Enforcement.Relational" && instrument.Name == "privacy.audit.append.wait")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => waits.Record(value));
        listener.Start();

        var services = new ServiceCollection();
        services.AddSingleton<IPolicyProvider>(new PolicyCatalog(StandardPolicy.Published));
        services.AddPrivacyEnforcement()
            .UsePostgreSql(BenchmarkStores.PostgresConnectionString, o =>
            {
                o.Schema = schema;
                o.AuditChainPerInstance = chainEach;
            })
            .ConfigureDecisions(o => o.AuditDecisions = true);
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        await BenchmarkStores.SeedAsync(provider, callers, 1, firstSubject);
        var enforcer = provider.GetRequiredService<IPrivacyEnforcer>();
        var requests = Enumerable.Range(firstSubject, callers).Select(BenchmarkStores.Request).ToArray();
        foreach (var request in requests)
        {
            await DecideAsync(enforcer, request); // each subject cached, the audit writer started (its chain claimed)
        }

        waits.TakeReport();
        await output.WriteLineAsync("ready");
        await output.FlushAsync();
        while (await input.ReadLineAsync() is { } line && line != "exit")
        {
            var perCaller = int.Parse(line["run ".Length..], CultureInfo.InvariantCulture);
            await Task.WhenAll(requests.Select(request => Task.Run(async () =>
            {
                for (var i = 0; i < perCaller; i++)
                {
                    await DecideAsync(enforcer, request);
                }
            })));
            await output.WriteLineAsync("done " + waits.TakeReport());
            await output.FlushAsync();
        }

        await BenchmarkStores.StopAsync(provider);
    }

    private static async Task DecideAsync(IPrivacyEnforcer enforcer, CollectionRequest request)
    {
        if (!await BenchmarkStores.DecideAsync(enforcer, request))
        {
            throw new InvalidOperationException("The measured decision must be a permit.");
        }
    }

    private string Expect(string word)
    {
        while (_process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(word, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"The instance process ended (exit code {(_process.HasExited ? _process.ExitCode : -1)}) before it said '{word}'.");
    }
}
