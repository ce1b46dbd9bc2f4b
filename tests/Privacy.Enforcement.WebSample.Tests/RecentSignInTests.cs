using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.AspNetCore;
using Privacy.Enforcement.WebSample.Demo;
using Privacy.Enforcement.WebSample.Profiles;

namespace Privacy.Enforcement.WebSample.Tests;

/// <summary>
/// Deleting the account needs a recent sign-in (the package's window, from the <c>auth_time</c> claim). The sample runs
/// here on the in-memory test server with a fake clock of its own, so the sign-in can age without waiting.
/// </summary>
public sealed class RecentSignInTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"privacy-websample-clock-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting(SampleDatabase.DataDirectoryKey, _dataDirectory);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_clock));
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task An_erasure_after_the_window_asks_to_sign_in_again_and_erases_nothing_then_a_fresh_sign_in_erases()
    {
        using var client = new SampleClient(_factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        await client.SignInAsync(DemoUsers.Bob.Id);
        var window = _factory.Services.GetRequiredService<IOptions<PrivacyWebOptions>>().Value.RecentAuthenticationWindow;
        _clock.Advance(window + TimeSpan.FromSeconds(1));

        using var stale = await client.PostFormAsync("/Me/Delete", handler: null, [KeyValuePair.Create("confirm", "true")]);
        stale.StatusCode.Should().Be(HttpStatusCode.OK);
        (await stale.Content.ReadAsStringAsync()).Should().Contain("needs a recent sign-in").And.NotContain("Your account is deleted");
        var profiles = _factory.Services.GetRequiredService<ProfileReader>();
        (await profiles.ReadAsync(DemoUsers.Bob.Subject, CancellationToken.None)).Should().NotBeEmpty();

        // Signed in again, within the window: the erasure goes through.
        await client.SignInAsync(DemoUsers.Bob.Id);
        _clock.Advance(window - TimeSpan.FromSeconds(1));
        using var fresh = await client.PostFormAsync("/Me/Delete", handler: null, [KeyValuePair.Create("confirm", "true")]);
        (await fresh.Content.ReadAsStringAsync()).Should().Contain("Your account is deleted");
        (await profiles.ReadAsync(DemoUsers.Bob.Subject, CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task Erasing_from_the_page_is_rate_limited_by_the_package_policy_and_showing_the_page_is_free()
    {
        using var client = new SampleClient(_factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        await client.SignInAsync(DemoUsers.Bob.Id);
        var limit = _factory.Services.GetRequiredService<IOptions<PrivacyWebOptions>>().Value.SubjectRightsPermitLimit;

        // Each post opens the page first (for its antiforgery token): those reads must not spend the window.
        for (var i = 0; i < limit; i++)
        {
            using var unconfirmed = await client.PostFormAsync("/Me/Delete", handler: null, []);
            unconfirmed.StatusCode.Should().Be(HttpStatusCode.OK, "request {0} of {1} is within the window", i + 1, limit);
        }

        using var limited = await client.PostFormAsync("/Me/Delete", handler: null, [KeyValuePair.Create("confirm", "true")]);

        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.Contains("Retry-After").Should().BeTrue();
        (await limited.Content.ReadAsStringAsync()).Should().NotContain("Your account is deleted");
        var profiles = _factory.Services.GetRequiredService<ProfileReader>();
        (await profiles.ReadAsync(DemoUsers.Bob.Subject, CancellationToken.None)).Should().NotBeEmpty("a limited erasure erases nothing");
    }
}
