using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.Benchmarks.Decisions;

/// <summary>
/// The same collection decision over one million subjects with ten consents each, against the bare check over a
/// dictionary of the same size. Requests cycle through random subjects, so both pay for cache misses alike. The
/// memory the library's cached state takes per consent is printed by the setup ("MemoryPerConsent").
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DecisionBenchmarkConfig))]
public class DecisionAtScaleBenchmarks
{
    private const int ConsentsPerSubject = 10;
    private const int Requests = 4096;

    private static readonly string[] Categories =
    [
        StandardDataCategories.Name, StandardDataCategories.Email, StandardDataCategories.Phone, StandardDataCategories.Address,
        StandardDataCategories.GovernmentId, StandardDataCategories.Username, StandardDataCategories.DeviceId, StandardDataCategories.IpAddress,
        StandardDataCategories.Payment, StandardDataCategories.Biometric, StandardDataCategories.Location, StandardDataCategories.Content,
    ];

    private static readonly string[] Purposes = [StandardPurposes.ServiceProvision, StandardPurposes.OwnMarketing, StandardPurposes.Security];

    private Dictionary<string, HashSet<(string Category, string Purpose)>> _consents = null!;
    private (string Subject, string Category, string Purpose)[] _bare = null!;
    private CollectionRequest[] _requests = null!;
    private ServiceProvider _provider = null!;
    private IPrivacyEnforcer _enforcer = null!;
    private int _next;

    [Params(1_000_000)]
    public int Subjects { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var ids = new string[Subjects];
        var grants = new (int Category, int Purpose)[Subjects][];
        _consents = new Dictionary<string, HashSet<(string, string)>>(Subjects, StringComparer.Ordinal);
        for (var s = 0; s < Subjects; s++)
        {
            ids[s] = "subject-" + s.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
            var set = new HashSet<(string, string)>(ConsentsPerSubject);
            var subjectGrants = new (int, int)[ConsentsPerSubject];
            for (var c = 0; c < ConsentsPerSubject; c++)
            {
                var grant = (random.Next(Categories.Length), random.Next(Purposes.Length));
                subjectGrants[c] = grant;
                set.Add((Categories[grant.Item1], Purposes[grant.Item2]));
            }

            grants[s] = subjectGrants;
            _consents.Add(ids[s], set);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IPolicyProvider>(new PolicyCatalog(StandardPolicy.Published));
        services.AddPrivacyEnforcement().UseInMemoryStores().ConfigureDecisions(o =>
        {
            o.AuditDecisions = false;
            o.MaxCachedSubjects = Subjects;
        });
        _provider = services.BuildServiceProvider();
        var enforcer = (PrivacyEnforcer)_provider.GetRequiredService<IPrivacyEnforcer>();
        _enforcer = enforcer;
        var cache = _provider.GetRequiredService<SubjectStateCache>();
        var policy = enforcer.CurrentPolicy;
        var categoryIndex = Categories.Select(c => policy.Within[policy.CategoryIndex[c]]).ToArray();
        var purposeIndex = Purposes.Select(p => policy.PurposeIndex[p]).ToArray();
        var subjectIds = ids.Select(id => new SubjectId(id)).ToArray();

        // Build the cached state directly (reading ten million facts through a store would only measure the store).
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var granted = DateTimeOffset.UnixEpoch.UtcTicks;
        for (var s = 0; s < Subjects; s++)
        {
            var spans = new ConsentSpan[ConsentsPerSubject];
            for (var c = 0; c < ConsentsPerSubject; c++)
            {
                var (category, purpose) = grants[s][c];
                spans[c] = new ConsentSpan
                {
                    Id = Guid.NewGuid(),
                    Start = granted,
                    End = SubjectSnapshot.Never,
                    Purposes = 1UL << purposeIndex[purpose],
                    Categories = categoryIndex[category],
                    Acts = 1 << (int)ProcessingAct.Collect,
                    Kind = -1,
                    EndState = ConsentState.Given,
                };
            }

            cache.Prime(subjectIds[s], new SubjectSnapshot { Policy = policy, AcceptedCurrentAt = granted, Consents = spans, TimeInvariant = true });
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"// MemoryPerConsent: {(after - before) / (double)(Subjects * ConsentsPerSubject):F1} bytes (library cached state, {Subjects:N0} subjects x {ConsentsPerSubject} consents, {(after - before) / 1048576.0:F0} MiB)");

        _bare = new (string, string, string)[Requests];
        _requests = new CollectionRequest[Requests];
        for (var i = 0; i < Requests; i++)
        {
            var s = random.Next(Subjects);
            var (category, purpose) = grants[s][random.Next(ConsentsPerSubject)];
            _bare[i] = (ids[s], Categories[category], Purposes[purpose]);
            _requests[i] = new CollectionRequest(subjectIds[s], [new DataCategory(Categories[category])], new PurposeId(Purposes[purpose]));
        }

        for (var i = 0; i < Requests; i++)
        {
            if (!Bare() || !Library())
            {
                throw new InvalidOperationException("Every request measured must be permitted.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "bare check, 1M subjects x 10 consents")]
    public bool Bare()
    {
        var (subject, category, purpose) = _bare[_next++ & (Requests - 1)];
        return _consents.TryGetValue(subject, out var granted) && granted.Contains((category, purpose));
    }

    [Benchmark(Description = "library, 1M subjects x 10 consents, audit off")]
    public bool Library()
    {
        var pending = _enforcer.DecideAsync(_requests[_next++ & (Requests - 1)]);
        return (pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).IsPermitted;
    }
}
