using Microsoft.Playwright;

namespace Privacy.Enforcement.WebSample.Tests;

/// <summary>
/// Screenshots of each page a browser test visits. They are kept in memory and written to the test output folder
/// (<c>screenshots/&lt;test&gt;/</c>) only when the test fails, with one more of the page as it was at the failure. With
/// <c>PRIVACY_WEBSAMPLE_SCREENSHOTS=docs</c> the named pages are also written to the repository's
/// <c>docs/screenshots/</c>, the pictures the README shows.
/// </summary>
internal sealed class PageShots(IPage page, string test)
{
    public const string ModeVariable = "PRIVACY_WEBSAMPLE_SCREENSHOTS";

    private readonly List<(string Name, byte[] Png)> _shots = [];

    /// <summary>Whether this run refreshes the README's screenshots.</summary>
    public static bool UpdatesDocs => string.Equals(Environment.GetEnvironmentVariable(ModeVariable), "docs", StringComparison.Ordinal);

    /// <summary>Takes a screenshot of the whole page under a name.</summary>
    public async Task TakeAsync(string name)
    {
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        _shots.Add(($"{_shots.Count + 1:00}-{name}", png));
        if (UpdatesDocs)
        {
            var docs = Path.Combine(RepositoryRoot(), "docs", "screenshots");
            Directory.CreateDirectory(docs);
            await File.WriteAllBytesAsync(Path.Combine(docs, name + ".png"), png);
        }
    }

    /// <summary>Runs a test body; when it throws, every screenshot so far and one of the page now are written out.</summary>
    public async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "screenshots", test);
            Directory.CreateDirectory(folder);
            foreach (var (name, png) in _shots)
            {
                await File.WriteAllBytesAsync(Path.Combine(folder, name + ".png"), png);
            }

            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "failure.png"), FullPage = true });
            await File.WriteAllTextAsync(Path.Combine(folder, "failure.html"), await page.ContentAsync());
            throw;
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Privacy.Enforcement.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Privacy.Enforcement.sln) is not above the test output folder.");
    }
}
