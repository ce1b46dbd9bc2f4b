using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement.Tests.DependencyInjection;

/// <summary>A missing store stops start-up with the message that says what to call, however the host starts.</summary>
public sealed class StartupValidationTests
{
    private const string ConsentStoreMissing =
        "No consent store is registered (IConsentStore); call AddPrivacyEnforcement().UseSqlite(...), .UsePostgreSql(...) or .UseInMemoryStores().";

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task AlsoFound_a_generic_host_without_a_store_fails_at_start_up_naming_what_to_call(string environment)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment, Args = [] });
        builder.Services.AddPrivacyEnforcement();

        var start = async () =>
        {
            using var host = builder.Build();
            await host.StartAsync();
            await host.StopAsync();
        };

        var failure = await start.Should().ThrowAsync<OptionsValidationException>();
        failure.Which.Failures.Should().Contain(ConsentStoreMissing);
        failure.Which.Failures.Should().Contain(f => f.StartsWith("No engagement store is registered (IEngagementStore)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AlsoFound_a_generic_host_that_registers_its_own_worker_first_still_gets_the_start_up_message()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", Args = [] });
        builder.Services.AddHostedService<EngagementWorker>();
        builder.Services.AddPrivacyEnforcement();

        var start = async () =>
        {
            using var host = builder.Build();
            await host.StartAsync();
            await host.StopAsync();
        };

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().Contain(ConsentStoreMissing);
    }

    [Fact]
    public void AlsoFound_a_bare_service_provider_without_a_store_fails_naming_what_to_call_before_any_hosted_service_resolves_a_store()
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        var hosted = () => provider.GetServices<IHostedService>().ToList();

        hosted.Should().Throw<OptionsValidationException>().Which.Failures.Should().Contain(ConsentStoreMissing);
    }

    [Fact]
    public async Task A_generic_host_with_stores_starts_and_stops()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", Args = [] });
        builder.Services.AddPrivacyEnforcement().UseInMemoryStores();
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();
    }

    /// <summary>A host's own worker that needs a library service (and through it a store).</summary>
    private sealed class EngagementWorker(IEngagementService engagements) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.FromResult(engagements);
    }
}
