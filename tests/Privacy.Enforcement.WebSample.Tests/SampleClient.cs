using System.Net;
using System.Text.RegularExpressions;

namespace Privacy.Enforcement.WebSample.Tests;

/// <summary>
/// A plain HTTP client of the sample, as a browser without JavaScript is: it keeps cookies, follows no redirect by
/// itself, and posts forms with the antiforgery token the page it came from carries.
/// </summary>
internal sealed partial class SampleClient : IDisposable
{
    private readonly HttpClient _client;

    public SampleClient(Uri baseAddress)
        : this(new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseAddress })
    {
    }

    /// <summary>Wraps a client that already keeps cookies and follows no redirect (the test server's own).</summary>
    public SampleClient(HttpClient client)
    {
        _client = client;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(new Uri(path, UriKind.Relative));

    public async Task<string> GetPageAsync(string path)
    {
        using var response = await GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, "GET {0} should show the page", path);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Opens a page, takes the antiforgery token from its forms and posts the fields to a handler of it (or to
    /// <paramref name="action"/>, where one of its forms posts elsewhere).
    /// </summary>
    public async Task<HttpResponseMessage> PostFormAsync(
        string page, string? handler, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true, string? action = null)
    {
        var html = await GetPageAsync(page);
        var form = new List<KeyValuePair<string, string>>(fields);
        if (withToken)
        {
            form.Add(KeyValuePair.Create("__RequestVerificationToken", AntiforgeryToken(html)));
        }

        var target = action ?? (handler is null ? page : $"{page}?handler={handler}");
        return await _client.PostAsync(new Uri(target, UriKind.Relative), new FormUrlEncodedContent(form));
    }

    public async Task SignInAsync(string user)
    {
        using var response = await PostFormAsync("/SignIn", handler: null, [KeyValuePair.Create("user", user)]);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    public void Dispose() => _client.Dispose();

    private static string AntiforgeryToken(string html)
    {
        var match = TokenPattern().Match(html);
        match.Success.Should().BeTrue("every form of the sample carries an antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
