using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Privacy.Enforcement.Tests.Telemetry;

public sealed class TelemetryRegistrationTests
{
    private static readonly SubjectId Alice = new("alice");

    [Fact]
    public async Task The_meter_comes_from_the_hosts_meter_factory_whatever_the_order_of_the_calls()
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement().UseInMemoryStores();
        services.AddMetrics();
        await using var provider = services.BuildServiceProvider();

        var meter = provider.GetRequiredService<PrivacyTelemetry>().Meter;

        meter.Name.Should().Be(PrivacyEnforcementTelemetry.MeterName);
        meter.Scope.Should().BeSameAs(provider.GetRequiredService<IMeterFactory>());
    }

    [Fact]
    public async Task A_container_without_a_meter_factory_gets_the_librarys_own_and_registers_none_for_the_host()
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement().UseInMemoryStores();
        Meter meter;
        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetService<IMeterFactory>().Should().BeNull();
            meter = provider.GetRequiredService<PrivacyTelemetry>().Meter;
            meter.Scope.Should().BeSameAs(provider.GetRequiredService<PrivacyEnforcementMeterFactory>());
            (await provider.GetRequiredService<IPrivacyEnforcer>().DecideAsync(Collect())).Outcome.Should().Be(DecisionOutcome.Deny);
        }

        // The container disposed its meter: a listener started now sees none of its instruments.
        var published = new List<Instrument>();
        using var listener = new MeterListener { InstrumentPublished = (instrument, _) => published.Add(instrument) };
        listener.Start();
        published.Should().NotContain(i => ReferenceEquals(i.Meter, meter));
    }

    [Fact]
    public async Task Each_container_counts_its_own_decisions()
    {
        await using var first = Build();
        await using var second = Build();
        using var firstCount = new MetricCollector<long>(first.GetRequiredService<PrivacyTelemetry>().Meter, "privacy.decisions");
        using var secondCount = new MetricCollector<long>(second.GetRequiredService<PrivacyTelemetry>().Meter, "privacy.decisions");

        await first.GetRequiredService<IPrivacyEnforcer>().DecideAsync(Collect());
        await first.GetRequiredService<IPrivacyEnforcer>().DecideAsync(Collect());
        await second.GetRequiredService<IPrivacyEnforcer>().DecideAsync(Collect());

        firstCount.GetMeasurementSnapshot().Should().HaveCount(2);
        secondCount.GetMeasurementSnapshot().Should().ContainSingle();
    }

    [Fact]
    public async Task A_container_without_logging_builds_resolves_every_service_and_decides()
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement().UseInMemoryStores();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetService<ILoggerFactory>().Should().BeNull("the library registers no logging of its own");
        provider.GetService<ILogger<TelemetryRegistrationTests>>().Should().BeNull();
        foreach (var service in services.Where(d => !d.IsKeyedService && !d.ServiceType.IsGenericTypeDefinition && d.ServiceType.Assembly == typeof(IPrivacyEnforcer).Assembly))
        {
            provider.GetServices(service.ServiceType).Should().NotContainNulls(service.ServiceType.Name);
        }

        provider.GetServices<IHostedService>().Should().NotBeEmpty();
        (await provider.GetRequiredService<IPrivacyEnforcer>().DecideAsync(Collect())).Outcome.Should().Be(DecisionOutcome.Deny);
    }

    [Fact]
    public async Task The_hosts_logging_is_used_when_present()
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddPrivacyEnforcement().UseInMemoryStores();
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IPrivacyEnforcer>().DecideAsync(Collect());

        var compiled = provider.GetFakeLogCollector().GetSnapshot().Should().ContainSingle(r => r.Id.Id == 1003).Subject;
        compiled.Id.Name.Should().Be("PolicyCompiled");
        compiled.Level.Should().Be(LogLevel.Information);
    }

    [Fact]
    public async Task A_caught_exception_is_logged_as_the_exception_and_its_message_stays_out_of_the_log_message()
    {
        var failure = new InvalidOperationException("the host's store said: alice@example.com");
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddSingleton<IAuditTrail>(new ThrowingAuditTrail(failure));
        services.AddPrivacyEnforcement().UseInMemoryStores();
        await using var provider = services.BuildServiceProvider();

        var decision = await provider.GetRequiredService<IPrivacyEnforcer>().DecideAsync(Collect());

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        var logged = provider.GetFakeLogCollector().GetSnapshot().Should().ContainSingle(r => r.Id.Id == 1001).Subject;
        logged.Exception.Should().BeSameAs(failure);
        logged.Id.Name.Should().Be("DecisionIndeterminate");
        logged.Message.Should().Contain(nameof(InvalidOperationException)).And.NotContain("alice");
    }

    [Fact]
    public void Every_log_message_of_the_shipped_assemblies_has_its_own_event_id_and_name()
    {
        var messages = ShippedAssemblies()
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        messages.Should().HaveCountGreaterThan(20);
        messages.Should().OnlyContain(m => m.Attribute!.EventId > 0 && !string.IsNullOrEmpty(m.Attribute.EventName), "every message names its id and event");
        foreach (var group in messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1))
        {
            group.Should().ContainSingle($"event id {group.Key} is used by {string.Join(", ", group.Select(m => m.Method))}");
        }

        foreach (var group in messages.GroupBy(m => m.Attribute!.EventName).Where(g => g.Count() > 1))
        {
            group.Should().ContainSingle($"event name {group.Key} is used by {string.Join(", ", group.Select(m => m.Method))}");
        }

        // Each id lies in a range the README's Telemetry section lists.
        var readme = File.ReadAllText(FindReadme());
        var paragraph = readme[readme.IndexOf("Each log\nmessage has its own event id", StringComparison.Ordinal)..];
        var ranges = System.Text.RegularExpressions.Regex.Matches(paragraph[..paragraph.IndexOf("\n\n", StringComparison.Ordinal)], @"(\d{4})-(\d{4})")
            .Select(m => (From: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), To: int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        ranges.Should().NotBeEmpty();
        messages.Should().OnlyContain(m => ranges.Any(r => r.From <= m.Attribute!.EventId && m.Attribute.EventId <= r.To), "every id is in a range the README lists");
    }

    private static string FindReadme()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "README.md");
            if (File.Exists(path) && File.Exists(Path.Combine(dir.FullName, "Privacy.Enforcement.sln")))
            {
                return path;
            }
        }

        throw new FileNotFoundException("The repository README was not found above the test directory.");
    }

    /// <summary>The library's assemblies beside the tests (the core, Testing, Tool and whatever packages are copied here).</summary>
    private static IEnumerable<Assembly> ShippedAssemblies() =>
        Directory.GetFiles(AppContext.BaseDirectory, "Privacy.Enforcement*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => !name!.EndsWith(".Tests", StringComparison.Ordinal) && !name.Contains("Crash", StringComparison.Ordinal))
            .Select(name => Assembly.Load(name!))
            .Append(typeof(IPrivacyEnforcer).Assembly)
            .Distinct();

    private static ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement().UseInMemoryStores();
        return services.BuildServiceProvider();
    }

    private static CollectionRequest Collect() =>
        new(Alice, [new DataCategory(StandardDataCategories.Email)], new PurposeId(StandardPurposes.ServiceProvision));

    private sealed class ThrowingAuditTrail(Exception failure) : IAuditTrail
    {
        public ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken) => throw failure;
    }
}
