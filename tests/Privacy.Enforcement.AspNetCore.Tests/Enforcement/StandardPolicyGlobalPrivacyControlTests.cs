using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.AspNetCore.Tests.TestHost;

namespace Privacy.Enforcement.AspNetCore.Tests.Enforcement;

/// <summary>
/// Global Privacy Control with the standard policy exactly as shipped and the default web options: the signal from a
/// signed-in subject is recorded without raising an objection the policy does not allow (partner marketing is
/// consent-based), so no enforced request fails with a 500.
/// </summary>
public sealed class StandardPolicyGlobalPrivacyControlTests
{
    [Fact]
    public async Task A_signed_in_request_with_the_signal_never_fails_under_the_unmodified_standard_policy()
    {
        var time = new FakeTimeProvider(PrivacyTestFactory.Start);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddPrivacyEnforcement(static options => options.UsePolicyDocument(StandardPolicy.Document)).UseInMemoryStores().AddAspNetCore();
        builder.Services.AddAuthentication(TestAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthentication>(TestAuthentication.SchemeName, null);
        await using var app = builder.Build();
        app.UseAuthentication();
        app.MapGet("/contact", TestApp.Released).RequirePrivacy(ProcessingAct.Collect, StandardPurposes.ServiceProvision, StandardDataCategories.Email);
        app.MapGet("/marketing", TestApp.Released).RequirePrivacy(ProcessingAct.Use, StandardPurposes.OwnMarketing, StandardDataCategories.Email);
        app.MapPost("/share", TestApp.Released).RequirePrivacy(new Recipient("anyone", RecipientKind.Partner), StandardPurposes.PartnerMarketing, StandardDataCategories.Email);
        await app.StartAsync();
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add(TestAuthentication.SubjectHeader, "gpc-subject");
        client.DefaultRequestHeaders.Add(TestAuthentication.AuthTimeHeader, time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        client.DefaultRequestHeaders.Add("Sec-GPC", "1");
        var policy = app.Services.GetRequiredService<Privacy.Enforcement.Policies.IPolicyProvider>().Current.Version;
        await app.Services.GetRequiredService<IPolicyAcceptanceService>().AcceptAsync(new SubjectId("gpc-subject"), policy.Version, policy.ContentHash, "test#accept", CancellationToken.None);

        var statuses = new List<HttpStatusCode>
        {
            (await client.GetAsync("/contact")).StatusCode,
            (await client.GetAsync("/marketing")).StatusCode,
            (await client.PostAsync("/share", null)).StatusCode,
            (await client.GetAsync("/contact")).StatusCode,
        };

        statuses.Should().NotContain(HttpStatusCode.InternalServerError);
        statuses[2].Should().Be(HttpStatusCode.Forbidden, "the signal refuses a share with a partner");
        (await app.Services.GetRequiredService<IObjectionService>().IsObjectingAsync(new SubjectId("gpc-subject"), new PurposeId(StandardPurposes.PartnerMarketing), null, CancellationToken.None))
            .Should().BeFalse("the standard policy lets no one object to partner marketing");
    }
}
