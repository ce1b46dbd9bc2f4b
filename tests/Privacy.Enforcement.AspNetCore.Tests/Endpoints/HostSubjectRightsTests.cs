using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Privacy.Enforcement.AspNetCore.Tests.TestHost;

namespace Privacy.Enforcement.AspNetCore.Tests.Endpoints;

/// <summary>The recent sign-in check and the export/erase rate limit, used by a host on its own endpoint.</summary>
[Collection(PrivacyTestCollection.Name)]
public sealed class HostSubjectRightsTests(PrivacyTestFactory factory)
{
    [Fact]
    public async Task The_recent_sign_in_helper_reads_auth_time_or_the_ticket_and_the_window()
    {
        async Task<bool> RecentAsync(HttpClient client) => (await client.GetFromJsonAsync<JsonElement>("/host/recent")).GetProperty("recent").GetBoolean();

        (await RecentAsync(factory.SignedIn(PrivacyTestFactory.NewSubject(), signedInAgo: TimeSpan.FromMinutes(4)))).Should().BeTrue();
        (await RecentAsync(factory.SignedIn(PrivacyTestFactory.NewSubject(), signedInAgo: TimeSpan.FromMinutes(4), authTimeClaim: false))).Should().BeTrue();
        (await RecentAsync(factory.SignedIn(PrivacyTestFactory.NewSubject(), signedInAgo: TimeSpan.FromMinutes(6)))).Should().BeFalse();
        (await RecentAsync(factory.SignedIn(PrivacyTestFactory.NewSubject(), signedInAgo: TimeSpan.FromMinutes(6), authTimeClaim: false))).Should().BeFalse();
        (await RecentAsync(factory.SignedIn(PrivacyTestFactory.NewSubject(), signedInAgo: TimeSpan.FromMinutes(-10)))).Should().BeFalse("a sign-in in the future is not trusted");
        (await RecentAsync(factory.Anonymous())).Should().BeFalse();
    }

    [Fact]
    public async Task A_host_endpoint_requiring_recent_authentication_challenges_a_stale_sign_in_and_does_not_run()
    {
        var stale = await factory.SignedIn(PrivacyTestFactory.NewSubject(), signedInAgo: TimeSpan.FromMinutes(6)).PostAsync("/host/erase", null);
        var recent = await factory.SignedIn(PrivacyTestFactory.NewSubject(), signedInAgo: TimeSpan.FromMinutes(4)).PostAsync("/host/erase", null);

        stale.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        stale.Headers.GetValues(TestAuthentication.ChallengeHeader).Single().Should().Be("prompt=login;max_age=300;redirect=/host/erase");
        (await stale.Content.ReadAsStringAsync()).Should().NotContain("erased");
        recent.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_host_endpoint_with_the_subject_rights_policy_shares_the_window_of_export_and_erase_and_reading_is_free()
    {
        var subject = PrivacyTestFactory.NewSubject();
        var client = factory.SignedIn(subject);

        var reads = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            reads.Add((await client.GetAsync("/host/erase")).StatusCode);
        }

        var first = await client.PostAsync("/host/erase", null);
        var second = await client.PostAsync("/privacy/export", null);
        var third = await client.PostAsync("/host/erase", null);

        reads.Should().AllBeEquivalentTo(HttpStatusCode.OK);
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        third.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        third.Headers.Contains("Retry-After").Should().BeTrue();
        (await third.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().Should().Be("urn:privacy-enforcement:problem:rate-limited");
        (await factory.SignedIn(PrivacyTestFactory.NewSubject()).PostAsync("/host/erase", null)).StatusCode.Should().Be(HttpStatusCode.OK, "each subject has its own window");
    }
}
