using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Tests.Policies;

namespace Privacy.Enforcement.Tests.DependencyInjection;

public sealed class AddPrivacyEnforcementTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("privacy-policy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Registers_the_standard_policy_by_default()
    {
        using var provider = Start(s => s.AddPrivacyEnforcement().UseInMemoryStores());

        var policies = provider.GetRequiredService<IPolicyProvider>();

        policies.Should().BeSameAs(provider.GetRequiredService<PolicyCatalog>());
        policies.Current.Should().BeSameAs(StandardPolicy.Published);
    }

    [Fact]
    public void Calling_it_twice_is_harmless()
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement().UseInMemoryStores();
        services.AddPrivacyEnforcement(o => o.UseStandardPolicy()).UseInMemoryStores();

        services.Count(d => d.ServiceType == typeof(IPolicyProvider)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(PolicyCatalog)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IPrivacyEnforcer)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<PrivacyEnforcementOptions>)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IConsentStore)).Should().Be(1);
        using var provider = services.BuildServiceProvider(validateScopes: true);
        provider.GetRequiredService<IStartupValidator>().Validate();
        provider.GetRequiredService<IPolicyProvider>().Current.Should().BeSameAs(StandardPolicy.Published);
    }

    [Fact]
    public void A_missing_store_fails_at_start_up_naming_what_to_call()
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement();
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        var failures = act.Should().Throw<OptionsValidationException>().Which.Failures;
        failures.Should().Contain(
            "No consent store is registered (IConsentStore); call AddPrivacyEnforcement().UseSqlite(...), .UsePostgreSql(...) or .UseInMemoryStores().");
        failures.Should().Contain(
            "No audit sink is registered (IAuditSink); call AddPrivacyEnforcement().UseSqlite(...), .UsePostgreSql(...), .UseInMemoryStores(), .UseJsonLinesAuditTrail(path) or .UseInMemoryAuditTrail().");
        failures.Should().HaveCount(8).And.Contain(f => f.StartsWith("No acceptance store", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("No engagement store", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("No violation store", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("No pseudonym store", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("No subject-rights request store", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("No legal hold store", StringComparison.Ordinal));
    }

    [Fact]
    public void A_json_policy_document_replaces_the_standard_policy()
    {
        using var provider = Start(s => s.AddPrivacyEnforcement(o => o.UsePolicyDocument(PolicyJson.Valid)).UseInMemoryStores());

        provider.GetRequiredService<IPolicyProvider>().Current.Version.ToString().Should().Be("acme@1.0");
    }

    [Fact]
    public void A_policy_document_built_in_code_replaces_the_standard_policy()
    {
        var document = StandardPolicy.CreateBuilder().WithId("host").Build();

        using var provider = Start(s => s.AddPrivacyEnforcement(o => o.UsePolicyDocument(document)).UseInMemoryStores());

        provider.GetRequiredService<IPolicyProvider>().Current.Version.PolicyId.Value.Should().Be("host");
    }

    [Fact]
    public void A_policy_file_replaces_the_standard_policy()
    {
        var path = WritePolicy(PolicyJson.Valid);

        using var provider = Start(s => s.AddPrivacyEnforcement(o => o.UsePolicyFile(path)).UseInMemoryStores());

        provider.GetRequiredService<IPolicyProvider>().Current.Version.ToString().Should().Be("acme@1.0");
    }

    [Fact]
    public void The_policy_file_binds_from_a_configuration_section()
    {
        var path = WritePolicy(PolicyJson.Valid);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PrivacyEnforcement:PolicyFile"] = path })
            .Build();

        using var provider = Start(s => s.AddPrivacyEnforcement(configuration.GetSection(PrivacyEnforcementOptions.SectionName)).UseInMemoryStores());

        provider.GetRequiredService<IOptions<PrivacyEnforcementOptions>>().Value.PolicyFile.Should().Be(path);
        provider.GetRequiredService<IPolicyProvider>().Current.Version.ToString().Should().Be("acme@1.0");
    }

    [Fact]
    public void Every_option_group_binds_from_its_subsection()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Privacy:Decisions:StateLoadTimeout"] = "00:00:02",
                ["Privacy:Decisions:MaxCachedSubjects"] = "5000",
                ["Privacy:Audit:Mode"] = "Asynchronous",
                ["Privacy:Audit:MaxBatchSize"] = "128",
                ["Privacy:Engagements:MonitorRescanInterval"] = "00:10:00",
                ["Privacy:SubjectRights:ResponsePeriod"] = "10.00:00:00",
                ["Privacy:SubjectRights:Affiliates:0"] = "sister-co",
            })
            .Build();

        using var provider = Start(s => s.AddPrivacyEnforcement(configuration.GetSection("Privacy")).UseInMemoryStores());

        var decisions = provider.GetRequiredService<IOptions<PrivacyDecisionOptions>>().Value;
        decisions.StateLoadTimeout.Should().Be(TimeSpan.FromSeconds(2));
        decisions.MaxCachedSubjects.Should().Be(5000);
        var audit = provider.GetRequiredService<IOptions<AuditTrailOptions>>().Value;
        audit.Mode.Should().Be(AuditTrailMode.Asynchronous);
        audit.MaxBatchSize.Should().Be(128);
        provider.GetRequiredService<IOptions<EngagementOptions>>().Value.MonitorRescanInterval.Should().Be(TimeSpan.FromMinutes(10));
        var rights = provider.GetRequiredService<IOptions<SubjectRightsOptions>>().Value;
        rights.ResponsePeriod.Should().Be(TimeSpan.FromDays(10));
        rights.Affiliates.Should().Equal("sister-co");
    }

    [Fact]
    public void An_invalid_policy_fails_at_start_up_with_the_json_path()
    {
        var path = WritePolicy(PolicyJson.With(d => d["version"] = "one"));

        var act = () => Start(s => s.AddPrivacyEnforcement(o => o.UsePolicyFile(path)).UseInMemoryStores());

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle()
            .Which.Should().Be($"The policy from PolicyFile '{path}' is invalid at $.version: 'one' is not a version; expected major.minor[.build[.revision]] such as '1.0' or '2.1.3'");
    }

    [Fact]
    public void A_missing_policy_file_fails_at_start_up_naming_the_file()
    {
        var path = Path.Combine(_directory, "missing.json");

        var act = () => Start(s => s.AddPrivacyEnforcement(o => o.UsePolicyFile(path)).UseInMemoryStores());

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle()
            .Which.Should().StartWith($"PolicyFile '{path}' cannot be read:");
    }

    [Fact]
    public void Two_policy_sources_fail_at_start_up()
    {
        var act = () => Start(s => s.AddPrivacyEnforcement(o =>
        {
            o.PolicyFile = "policy.json";
            o.PolicyJson = PolicyJson.Valid;
        }).UseInMemoryStores());

        act.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("More than one policy source is set");
    }

    [Fact]
    public void The_last_policy_source_chosen_in_code_wins()
    {
        using var provider = Start(s => s.AddPrivacyEnforcement(o => o.UsePolicyFile("nowhere.json").UsePolicyDocument(PolicyJson.Valid).UseStandardPolicy()).UseInMemoryStores());

        provider.GetRequiredService<IPolicyProvider>().Current.Should().BeSameAs(StandardPolicy.Published);
    }

    private static ServiceProvider Start(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        configure(services);
        var provider = services.BuildServiceProvider(validateScopes: true);
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return provider;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    private string WritePolicy(string json)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
