using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.WebSample.Demo;
using Privacy.Enforcement.WebSample.Profiles;

namespace Privacy.Enforcement.WebSample.Tests;

/// <summary>The sample's pages over plain HTTP: who may open what, antiforgery, and what the server checks itself.</summary>
[Collection(PrivacyCenterCollection.Name)]
public sealed class PrivacyCenterEndpointTests(PrivacyCenterFixture fixture)
{
    [Theory]
    [InlineData("/Me/Policy")]
    [InlineData("/Me/Consents")]
    [InlineData("/Me/Data")]
    [InlineData("/Me/Delete")]
    [InlineData("/Operator")]
    [InlineData("/Me/Offers")]
    public async Task Privacy_center_pages_send_an_anonymous_visitor_to_sign_in(string path)
    {
        using var client = new SampleClient(fixture.BaseAddress);
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Contain("/SignIn?ReturnUrl=" + Uri.EscapeDataString(path));
    }

    [Fact]
    public async Task The_health_endpoint_reports_the_privacy_enforcement_check_healthy()
    {
        using var client = new SampleClient(fixture.BaseAddress);
        using var response = await client.GetAsync("/healthz");
        (await response.Content.ReadAsStringAsync()).Should().Be("Healthy");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var registrations = fixture.Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>>().Value.Registrations;
        registrations.Select(r => r.Name).Should().Contain("privacy-enforcement");
    }

    [Theory]
    [InlineData("/api/me/contact-card")]
    [InlineData("/privacy/policy")]
    [InlineData("/privacy/consents")]
    public async Task Json_endpoints_answer_an_anonymous_caller_401_instead_of_a_redirect(string path)
    {
        using var client = new SampleClient(fixture.BaseAddress);
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_operator_page_is_refused_to_a_customer()
    {
        using var client = new SampleClient(fixture.BaseAddress);
        await client.SignInAsync(DemoUsers.Bob.Id);
        using var response = await client.GetAsync("/Operator");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.Should().Be("/AccessDenied");
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        using var client = new SampleClient(fixture.BaseAddress);
        await client.SignInAsync(DemoUsers.Bob.Id);
        using var response = await client.PostFormAsync("/Me/Consents", "Object", [], withToken: false);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var objections = fixture.Factory.Services.GetRequiredService<IObjectionService>();
        (await objections.IsObjectingAsync(DemoUsers.Bob.Subject, new PurposeId(StandardPurposes.OwnMarketing), asOf: null, CancellationToken.None)).Should().BeFalse();

        // The same post with the token is recorded: the refusal above was the token's doing.
        using var accepted = await client.PostFormAsync("/Me/Consents", "Object", []);
        accepted.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await objections.IsObjectingAsync(DemoUsers.Bob.Subject, new PurposeId(StandardPurposes.OwnMarketing), asOf: null, CancellationToken.None)).Should().BeTrue();
    }

    [Fact]
    public async Task Accepting_a_policy_text_that_is_not_the_published_one_records_nothing()
    {
        using var client = new SampleClient(fixture.BaseAddress);
        await client.SignInAsync(DemoUsers.Olivia.Id);
        using var response = await client.PostFormAsync(
            "/Me/Policy", handler: null, [KeyValuePair.Create("version", "1.0"), KeyValuePair.Create("contentHash", new string('0', 64))]);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await client.GetPageAsync("/Me/Policy")).Should().Contain("nothing was recorded").And.Contain("Not accepted yet");
        var status = await fixture.Factory.Services.GetRequiredService<IPolicyAcceptanceService>().GetStatusAsync(DemoUsers.Olivia.Subject, CancellationToken.None);
        status.HasAcceptedCurrent.Should().BeFalse();
    }

    [Fact]
    public async Task The_endpoint_behind_require_privacy_refuses_someone_who_never_accepted_the_policy_with_a_problem_naming_why()
    {
        // The operator never signed up as a customer: no acceptance, no profile.
        using var client = new SampleClient(fixture.BaseAddress);
        await client.SignInAsync(DemoUsers.Olivia.Id);
        using var refused = await client.GetAsync(ContactCardEndpoint.Route);
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await refused.Content.ReadAsStringAsync()).Should().Contain(ClauseIds.IntroAcceptance);
    }

    [Fact]
    public async Task The_server_refuses_a_correction_that_is_not_an_email_address_even_without_the_browsers_check()
    {
        using var client = new SampleClient(fixture.BaseAddress);
        await client.SignInAsync(DemoUsers.Bob.Id);
        using var response = await client.PostFormAsync("/Me/Data", "Rectify", [KeyValuePair.Create("email", "bob-at-nowhere")]);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Enter an e-mail address");
        var profile = await fixture.Factory.Services.GetRequiredService<ProfileReader>().ReadAsync(DemoUsers.Bob.Subject, CancellationToken.None);
        profile[new DataCategory(StandardDataCategories.Email)].GetString().Should().Be(DemoUsers.Bob.Email);
    }

    [Fact]
    public async Task The_export_is_a_json_download_of_the_signed_in_person_only()
    {
        using var client = new SampleClient(fixture.BaseAddress);
        await client.SignInAsync(DemoUsers.Bob.Id);
        using var response = await client.PostFormAsync("/Me/Data", handler: null, [], action: "/privacy/export");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetPageAsync("/Me/Data")).Should().Contain("action=\"/privacy/export\"", "the page's download form posts to the package's endpoint");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        var body = await response.Content.ReadAsStringAsync();
        body.Should().Contain(DemoUsers.Bob.Email).And.NotContain(DemoUsers.Mallory.Email).And.NotContain(DemoUsers.Alice.Email);

        // The profile is the source the library built from the EF model: every classified property, by category.
        using var export = JsonDocument.Parse(body);
        var profile = export.RootElement.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == CenterDb.SourceName).GetProperty("data");
        profile.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(
            [StandardDataCategories.Name, StandardDataCategories.Email, StandardDataCategories.Address, StandardDataCategories.PurchaseHistory]);
        profile.GetProperty(StandardDataCategories.Address).GetString().Should().Be("3 Sample Street, Springfield");
        profile.GetProperty(StandardDataCategories.PurchaseHistory).GetString().Should().Be("order-bob-1001");
    }

    [Fact]
    public async Task Erasing_a_violator_keeps_the_violation_and_says_under_which_clause()
    {
        using var client = new SampleClient(fixture.BaseAddress);
        await client.SignInAsync(DemoUsers.Mallory.Id);
        using var unconfirmed = await client.PostFormAsync("/Me/Delete", handler: null, []);
        (await unconfirmed.Content.ReadAsStringAsync()).Should().Contain("Tick the box to confirm");

        using var response = await client.PostFormAsync("/Me/Delete", handler: null, [KeyValuePair.Create("confirm", "true")]);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("Your account is deleted").And.Contain(ClauseIds.CollectExemptViolations);
        var profile = await fixture.Factory.Services.GetRequiredService<ProfileReader>().ReadAsync(DemoUsers.Mallory.Subject, CancellationToken.None);
        profile.Should().BeEmpty("nothing of the profile is under a hold");
        (await fixture.ShopAsync(db => db.Profiles.AnyAsync(p => p.UserId == DemoUsers.Mallory.Id))).Should().BeFalse("the profile row is deleted from the EF table");
        (await fixture.ShopAsync(db => db.Orders.AnyAsync(o => o.UserId == DemoUsers.Mallory.Id))).Should().BeFalse("her orders are under no hold");

        // The session ended with the account.
        using var after = await client.GetAsync("/Me/Data");
        after.StatusCode.Should().Be(HttpStatusCode.Redirect);
    }
}
