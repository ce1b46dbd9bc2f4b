using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.AspNetCore.Tests.TestHost;

namespace Privacy.Enforcement.AspNetCore.Tests.Enforcement;

/// <summary>A denied MVC action or Razor Page answers a browser with an HTML page and an API client with the problem document.</summary>
[Collection(PrivacyTestCollection.Name)]
public sealed class DeniedPageTests(PrivacyTestFactory factory)
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    [Fact]
    public async Task A_browser_gets_an_accessible_html_page_with_the_same_facts_and_no_personal_data()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);

        var response = await SendAsync(subject, BrowserAccept);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var page = await response.Content.ReadAsStringAsync();
        page.Should().StartWith("<!DOCTYPE html>").And.Contain("<html lang=\"en\">").And.Contain("<title>").And.Contain("<main>").And.Contain("<h1>");
        page.Should().Contain("<dd id=\"denied-reason\"><code>consent-missing</code></dd>");
        page.Should().Contain("<dd id=\"denied-policy-version\"><code>" + $"{StandardPolicy.Id}@{StandardPolicy.Version}" + "</code></dd>");
        page.Should().Contain("<li><code>" + ClauseIds.CollectConsent + "</code></li>");
        page.Should().Contain("<th scope=\"col\">Reason</th>").And.Contain(StandardDataCategories.Email);
        page.Should().NotContain(subject, "the page names no subject");
        page.Should().NotContain("\"outcome\"", "the action must not have run");
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/problem+json")]
    [InlineData("application/json, text/html")]
    [InlineData("text/html;q=0.5, application/json")]
    [InlineData("*/*")]
    [InlineData(null)]
    public async Task An_api_client_keeps_the_problem_document(string? accept)
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);

        var response = await SendAsync(subject, accept);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString().Should().Be("consent-missing");
    }

    [Fact]
    public async Task A_razor_page_with_the_attribute_runs_when_permitted_and_is_denied_once_the_subject_objects()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = factory.SignedIn(subject);

        using var permitted = await client.GetAsync("/pages/offers");
        (await permitted.Content.ReadAsStringAsync()).Should().Contain("<p id=\"permitted\">" + StandardDataCategories.Email + "</p>");
        await factory.Services.GetRequiredService<IObjectionService>().ObjectAsync(new SubjectId(subject), new PurposeId(StandardPurposes.OwnMarketing), CancellationToken.None);

        var asApi = new HttpRequestMessage(HttpMethod.Get, "/pages/offers");
        asApi.Headers.Accept.ParseAdd("application/json");
        await DeniedProblem.AssertAsync(await client.SendAsync(asApi), factory,
            RequirePrivacyTests.Denial(subject, "objected", ClauseIds.UseOwnMarketing, [StandardDataCategories.Email]));
        var asBrowser = new HttpRequestMessage(HttpMethod.Get, "/pages/offers");
        asBrowser.Headers.Accept.ParseAdd(BrowserAccept);
        using var page = await client.SendAsync(asBrowser);
        page.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var html = await page.Content.ReadAsStringAsync();
        html.Should().Contain("<dd id=\"denied-reason\"><code>objected</code></dd>").And.NotContain("id=\"permitted\"", "the page handler must not have run");
        html.Should().NotContain(subject);
    }

    private async Task<HttpResponseMessage> SendAsync(string subject, string? accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/mvc/profile/email");
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await factory.SignedIn(subject).SendAsync(request);
    }
}
