using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement.Tests.DependencyInjection;

/// <summary>
/// One way to configure each feature: every options class binds from <c>PrivacyEnforcement:&lt;SectionName&gt;</c>
/// through <c>AddPrivacyEnforcement(section)</c>, code configuration wins over configuration whatever the call order,
/// and an out-of-range value fails start-up naming the option's path.
/// </summary>
public class OptionsConfigurationTests
{
    [Fact]
    public void Every_options_class_binds_from_its_section_under_PrivacyEnforcement()
    {
        var configuration = Configuration(new()
        {
            ["PrivacyEnforcement:Decisions:StateLoadTimeout"] = "00:00:03",
            ["PrivacyEnforcement:Audit:MaxBatchSize"] = "77",
            ["PrivacyEnforcement:Audit:RetryMaxDelay"] = "00:00:09",
            ["PrivacyEnforcement:Engagements:HandlerRetryDelay"] = "00:02:00",
            ["PrivacyEnforcement:SubjectRights:ResponsePeriod"] = "20.00:00:00",
            ["PrivacyEnforcement:SubjectRights:Affiliates:0"] = "sister-co",
            ["PrivacyEnforcement:ConsentReceipts:Jurisdiction"] = "CN",
            ["PrivacyEnforcement:ConsentReceipts:PolicyLocation"] = "https://example.org/privacy",
            ["PrivacyEnforcement:KeyRotation:RetireEvery"] = "06:00:00",
        });

        using var provider = Build(s => s.AddPrivacyEnforcement(configuration.GetSection(PrivacyEnforcementOptions.SectionName)).UseInMemoryStores());

        Options<PrivacyDecisionOptions>(provider).StateLoadTimeout.Should().Be(TimeSpan.FromSeconds(3));
        Options<AuditTrailOptions>(provider).MaxBatchSize.Should().Be(77);
        Options<AuditTrailOptions>(provider).RetryMaxDelay.Should().Be(TimeSpan.FromSeconds(9));
        Options<EngagementOptions>(provider).HandlerRetryDelay.Should().Be(TimeSpan.FromMinutes(2));
        provider.GetRequiredService<IOptionsMonitor<EngagementOptions>>().CurrentValue.HandlerRetryDelay.Should().Be(TimeSpan.FromMinutes(2));
        Options<SubjectRightsOptions>(provider).ResponsePeriod.Should().Be(TimeSpan.FromDays(20));
        Options<SubjectRightsOptions>(provider).Affiliates.Should().Equal("sister-co");
        Options<ConsentReceiptOptions>(provider).Jurisdiction.Should().Be("CN");
        Options<ConsentReceiptOptions>(provider).PolicyLocation.Should().Be(new Uri("https://example.org/privacy"));
        Options<KeyEncryptionKeyRotationOptions>(provider).RetireEvery.Should().Be(TimeSpan.FromHours(6));
    }

    [Fact]
    public void The_library_reads_no_configuration_it_was_not_given()
    {
        // One binding path: a host's IConfiguration is not read behind its back.
        var configuration = Configuration(new() { ["PrivacyEnforcement:Audit:MaxBatchSize"] = "77" });
        using var provider = Build(s =>
        {
            s.AddSingleton<IConfiguration>(configuration);
            s.AddPrivacyEnforcement().UseInMemoryStores();
        });

        Options<AuditTrailOptions>(provider).MaxBatchSize.Should().Be(new AuditTrailOptions().MaxBatchSize);
    }

    [Fact]
    public void Code_configuration_wins_over_configuration_bound_after_it()
    {
        var configuration = Configuration(new()
        {
            ["PrivacyEnforcement:Audit:MaxBatchSize"] = "77",
            ["PrivacyEnforcement:Audit:QueueCapacity"] = "500",
            ["PrivacyEnforcement:Decisions:MaxCachedSubjects"] = "10",
        });

        using var provider = Build(s =>
        {
            s.AddPrivacyEnforcement().UseInMemoryStores().ConfigureAuditTrail(o => o.MaxBatchSize = 5).ConfigureDecisions(o => o.MaxCachedSubjects = 20);
            s.AddPrivacyEnforcement(configuration.GetSection(PrivacyEnforcementOptions.SectionName)); // bound later: still applied first
        });

        Options<AuditTrailOptions>(provider).MaxBatchSize.Should().Be(5, "code wins over configuration");
        Options<AuditTrailOptions>(provider).QueueCapacity.Should().Be(500, "what code does not set comes from configuration");
        Options<PrivacyDecisionOptions>(provider).MaxCachedSubjects.Should().Be(20);
    }

    [Fact]
    public void Code_configuration_wins_over_configuration_bound_before_it()
    {
        var configuration = Configuration(new() { ["PrivacyEnforcement:Engagements:MonitorRescanInterval"] = "00:05:00" });

        using var provider = Build(s => s.AddPrivacyEnforcement(configuration.GetSection(PrivacyEnforcementOptions.SectionName))
            .UseInMemoryStores()
            .ConfigureEngagements(o => o.MonitorRescanInterval = TimeSpan.FromMinutes(7)));

        Options<EngagementOptions>(provider).MonitorRescanInterval.Should().Be(TimeSpan.FromMinutes(7));
    }

    [Fact]
    public void Binding_the_same_section_twice_binds_it_once()
    {
        var configuration = Configuration(new() { ["PrivacyEnforcement:SubjectRights:Affiliates:0"] = "sister-co" });
        var section = configuration.GetSection(PrivacyEnforcementOptions.SectionName);

        using var provider = Build(s =>
        {
            s.AddPrivacyEnforcement(section).UseInMemoryStores().ConfigureSubjectRights(o => o.Affiliates.Add("from-code"));
            s.AddPrivacyEnforcement(configuration.GetSection(PrivacyEnforcementOptions.SectionName));
        });

        Options<SubjectRightsOptions>(provider).Affiliates.Should().Equal("sister-co", "from-code");
    }

    [Theory]
    [InlineData("PrivacyEnforcement:Decisions:StateLoadTimeout", "00:00:00")]
    [InlineData("PrivacyEnforcement:Decisions:MaxCachedSubjects", "0")]
    [InlineData("PrivacyEnforcement:Decisions:ReturnOrDeletePeriod", "-00:00:01")]
    [InlineData("PrivacyEnforcement:Audit:Timeout", "2.00:00:00")]
    [InlineData("PrivacyEnforcement:Audit:Timeout", "00:00:00")]
    [InlineData("PrivacyEnforcement:Audit:RetryInitialDelay", "-00:00:01")]
    [InlineData("PrivacyEnforcement:Audit:ShutdownTimeout", "00:00:00")]
    [InlineData("PrivacyEnforcement:Audit:QueueCapacity", "0")]
    [InlineData("PrivacyEnforcement:Audit:MaxBatchSize", "0")]
    [InlineData("PrivacyEnforcement:Audit:CheckpointEveryEvents", "-1")]
    [InlineData("PrivacyEnforcement:Audit:CheckpointInterval", "-00:00:01")]
    [InlineData("PrivacyEnforcement:Audit:Mode", "7")]
    [InlineData("PrivacyEnforcement:Audit:RetryMaxDelay", "00:00:00.001")]
    [InlineData("PrivacyEnforcement:Engagements:MonitorRescanInterval", "00:00:00.5")]
    [InlineData("PrivacyEnforcement:Engagements:HandlerRetryDelay", "1.00:00:01")]
    [InlineData("PrivacyEnforcement:Engagements:HandlerMaxRetryDelay", "00:00:30")]
    [InlineData("PrivacyEnforcement:SubjectRights:ResponsePeriod", "00:00:00")]
    [InlineData("PrivacyEnforcement:KeyRotation:RetireEvery", "-01:00:00")]
    public void An_out_of_range_value_fails_start_up_naming_the_option_path(string path, string value)
    {
        var configuration = Configuration(new() { [path] = value });

        var act = () => Build(s =>
        {
            var builder = s.AddPrivacyEnforcement(configuration.GetSection(PrivacyEnforcementOptions.SectionName)).UseInMemoryStores();
            if (path.Contains("KeyRotation", StringComparison.Ordinal))
            {
                builder.RetireKeyEncryptionKeyEpochs();
            }
        }).Dispose();

        act.Should().Throw<OptionsValidationException>().WithMessage($"*{path}*");
    }

    [Fact]
    public void Each_options_class_names_its_section_relative_to_PrivacyEnforcement()
    {
        PrivacyEnforcementOptions.SectionName.Should().Be("PrivacyEnforcement");
        PrivacyDecisionOptions.SectionName.Should().Be("Decisions");
        AuditTrailOptions.SectionName.Should().Be("Audit");
        EngagementOptions.SectionName.Should().Be("Engagements");
        SubjectRightsOptions.SectionName.Should().Be("SubjectRights");
        ConsentReceiptOptions.SectionName.Should().Be("ConsentReceipts");
        KeyEncryptionKeyRotationOptions.SectionName.Should().Be("KeyRotation");
    }

    private static T Options<T>(IServiceProvider provider)
        where T : class => provider.GetRequiredService<IOptions<T>>().Value;

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static ServiceProvider Build(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        configure(services);
        var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
            return provider;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }
}
