using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Auditing;

public class AuditTrailRegistrationTests
{
    [Fact]
    public async Task In_memory_stores_bring_an_in_memory_trail_registered_once_as_singleton_and_hosted_service()
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement().UseInMemoryStores();
        services.AddPrivacyEnforcement();
        await using var provider = services.BuildServiceProvider();

        var trail = provider.GetRequiredService<IAuditTrail>();
        trail.Should().BeSameAs(provider.GetRequiredService<IAuditTrail>());
        // Other features (the decision engine's change listener) add hosted services of their own.
        provider.GetServices<IHostedService>().Should().ContainSingle(s => s.GetType().Name == "AuditTrailHostedService");
        await trail.RecordAsync(AuditTestData.Event(1), default);
        provider.GetRequiredService<InMemoryAuditSink>().Count.Should().Be(1);
    }

    [Fact]
    public async Task Use_json_lines_audit_trail_writes_the_file_and_checkpoints_on_host_stop()
    {
        var dir = AuditTestData.TempDirectory();
        try
        {
            var services = new ServiceCollection();
            services.AddPrivacyEnforcement()
                .UseInMemoryStores()
                .UseJsonLinesAuditTrail(Path.Combine(dir, "trail.jsonl"), Path.Combine(dir, "cp.jsonl"))
                .ConfigureAuditTrail(o => o.MaxBatchSize = 10);
            await using (var provider = services.BuildServiceProvider())
            {
                var hosted = provider.GetRequiredService<IHostedService>();
                await hosted.StartAsync(default);
                await provider.GetRequiredService<IAuditTrail>().RecordAsync(AuditTestData.Event(1), default);
                await hosted.StopAsync(default);
                provider.GetRequiredService<IOptions<AuditTrailOptions>>().Value.MaxBatchSize.Should().Be(10);
            }

            (await File.ReadAllLinesAsync(Path.Combine(dir, "trail.jsonl"))).Should().HaveCount(1);
            (await File.ReadAllLinesAsync(Path.Combine(dir, "cp.jsonl"))).Should().ContainSingle().Which.Should().Contain("\"size\":1");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Options_bind_from_the_audit_section_and_are_validated()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PrivacyEnforcement:Audit:Mode"] = "Asynchronous", ["PrivacyEnforcement:Audit:QueueCapacity"] = "0" })
            .Build();
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement(configuration.GetSection(PrivacyEnforcementOptions.SectionName)).UseInMemoryStores();
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<AuditTrailOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage("*PrivacyEnforcement:Audit:QueueCapacity*");
    }

    [Fact]
    public void A_missing_sink_fails_naming_the_method_to_call()
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement();
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IAuditTrail>();

        act.Should().Throw<InvalidOperationException>().WithMessage("*UseJsonLinesAuditTrail*UseInMemoryAuditTrail*");
    }
}
