using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Privacy.Enforcement.WebSample.Profiles;

namespace Privacy.Enforcement.WebSample.Tests;

/// <summary>
/// The sample on a real Kestrel port (127.0.0.1, a free port) over a fresh SQLite file, and one headless Debian
/// chromium shared by every test: the browser starts once per run, each test opens its own context.
/// </summary>
public sealed class PrivacyCenterFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium binary; the wrapper script in /usr/bin adds nothing a test needs.</summary>
    public const string DefaultChromium = "/usr/lib/chromium/chromium";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"privacy-websample-tests-{Guid.NewGuid():N}");
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public PrivacyCenterFixture()
    {
        Factory = new SampleFactory(_dataDirectory);
        Factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        var address = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
    }

    /// <summary>The sample's host.</summary>
    public WebApplicationFactory<Program> Factory { get; }

    /// <summary>Where the sample listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Runs a query on the sample's own EF Core data (profiles and orders) in a fresh scope.</summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <param name="query">The query.</param>
    /// <returns>The result.</returns>
    public async Task<T> ShopAsync<T>(Func<CenterDb, Task<T>> query)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CenterDb>());
    }

    /// <summary>The shared browser.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("PRIVACY_CHROMIUM") is { Length: > 0 } configured ? configured : DefaultChromium;

        // Never a browser download: the tests drive the distribution's chromium. A missing one is a failure with the
        // command that installs it, never a skip (on CI, .ci/run installs it).
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {executable}. Install it with 'apt-get update && apt-get install -y chromium' (or set PRIVACY_CHROMIUM to its binary).");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a late writer is left in the temp folder; it is never read again.
        }
    }

    private sealed class SampleFactory(string dataDirectory) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.UseSetting(SampleDatabase.DataDirectoryKey, dataDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class PrivacyCenterCollection : ICollectionFixture<PrivacyCenterFixture>
{
    public const string Name = "privacy center";
}
