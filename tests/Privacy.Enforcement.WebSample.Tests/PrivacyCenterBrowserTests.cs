using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Privacy.Enforcement.WebSample.Tests;

/// <summary>The privacy center in a real chromium, as a person and an operator use it, without JavaScript tricks.</summary>
[Collection(PrivacyCenterCollection.Name)]
public sealed class PrivacyCenterBrowserTests(PrivacyCenterFixture fixture)
{
    [Fact]
    public async Task A_person_accepts_consents_withdraws_downloads_corrects_and_deletes_and_the_operator_verifies_the_trail()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString(),
            AcceptDownloads = true,
            // The pages work without JavaScript: the test proves it by turning it off.
            JavaScriptEnabled = false,
            ViewportSize = new ViewportSize { Width = 1100, Height = 800 },
        });
        // Each step answers in milliseconds; a missing element should fail the test quickly, not after half a minute.
        context.SetDefaultTimeout(5000);
        var page = await context.NewPageAsync();
        var shots = new PageShots(page, nameof(A_person_accepts_consents_withdraws_downloads_corrects_and_deletes_and_the_operator_verifies_the_trail));
        await shots.RunAsync(async () =>
        {
            // Sign in as Alice with the demo picker.
            await page.GotoAsync("/");
            await shots.TakeAsync("home");
            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).First.ClickAsync();
            await page.GetByLabel("Alice Archer").CheckAsync();
            await shots.TakeAsync("sign-in");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            // Alice signed up: she accepted the policy then (the refusal before acceptance is an endpoint test, with a
            // person who never signed up), so the page shows her acceptance and offers no button.
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Me/Policy$"));
            (await page.Locator("#acceptance-state").InnerTextAsync()).Should().Contain("Accepted");
            (await page.GetByRole(AriaRole.Button, new() { Name = "I have read and accept this policy" }).CountAsync()).Should().Be(0);
            await shots.TakeAsync("policy");

            // The endpoint behind .RequirePrivacy(...) answers with the contact card, read from the EF profile.
            var permitted = await page.APIRequest.GetAsync("/api/me/contact-card");
            permitted.Status.Should().Be(200);
            using (var card = JsonDocument.Parse(await permitted.TextAsync()))
            {
                card.RootElement.GetProperty("data").GetProperty("user.name").GetString().Should().Be("Alice Archer", await permitted.TextAsync());
            }

            // The offers page (use.own-marketing) opens while there is no objection.
            await page.GetByRole(AriaRole.Link, new() { Name = "Offers for you", Exact = true }).ClickAsync();
            (await page.Locator("#decision-outcome").InnerTextAsync()).Should().Be("Permit");
            (await page.Locator("section", new() { Has = page.Locator("#offers-heading") }).InnerTextAsync()).Should().Contain("alice@example.test");
            await shots.TakeAsync("offers");

            // A consent switched on, with its receipt; then off, with the withdrawal's receipt.
            await page.GetByRole(AriaRole.Link, new() { Name = "Consents", Exact = true }).ClickAsync();
            (await page.Locator("#state-partner-offers").InnerTextAsync()).Should().Be("Off");
            await page.GetByRole(AriaRole.Button, new() { Name = "Give consent: Offers from our partner acme-offers" }).ClickAsync();
            (await page.Locator("#state-partner-offers").InnerTextAsync()).Should().Be("On");
            (await page.Locator("#receipt-state").InnerTextAsync()).Should().Be("Given");
            var receipt = await page.Locator("#receipt").InnerTextAsync();
            receipt.Should().Contain("partner-marketing").And.Contain("user.contact.email").And.Contain("acme-offers");
            await shots.TakeAsync("consents");

            // The receipt in the interchange forms, from the package's privacy endpoints: the subject only as a pseudonym.
            var kantara = await page.APIRequest.GetAsync((await page.Locator("#receipt-kantara").GetAttributeAsync("href"))!);
            kantara.Status.Should().Be(200);
            var kantaraText = await kantara.TextAsync();
            kantaraText.Should().Contain("KI-CR-v1.1.0").And.NotContain("\"alice\"").And.NotContain("alice@example.test");
            var iso = await page.APIRequest.GetAsync((await page.Locator("#receipt-iso").GetAttributeAsync("href"))!);
            iso.Status.Should().Be(200);
            (await iso.TextAsync()).Should().Contain("dpv");
            await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw consent: Offers from our partner acme-offers" }).ClickAsync();
            (await page.Locator("#state-partner-offers").InnerTextAsync()).Should().Be("Off");
            (await page.Locator("#receipt-state").InnerTextAsync()).Should().Be("Withdrawn");
            (await page.GetByRole(AriaRole.Table).InnerTextAsync()).Should().Contain("Given").And.Contain("Withdrawn");

            // The objection to the shop's own marketing.
            await page.GetByRole(AriaRole.Button, new() { Name = "Object to marketing" }).ClickAsync();
            (await page.Locator("#objection-state").InnerTextAsync()).Should().Be("You object to marketing");
            await shots.TakeAsync("consents-withdrawn-and-objection");

            // After the objection the enforced page is refused before it runs: 403, the clause and the reason.
            var offers = await page.GotoAsync("/Me/Offers");
            offers!.Status.Should().Be(403);
            (await offers.TextAsync()).Should().Contain("use.own-marketing").And.Contain("bjected");
            (await offers.HeaderValueAsync("content-type")).Should().StartWith("text/html", "a browser gets a page, not a JSON problem");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The privacy policy does not permit this request.");
            (await page.Locator("#denied-reason").InnerTextAsync()).Should().Be("objected");
            await page.GotoAsync("/Me/Consents");

            // The export: a download whose JSON holds the profile, the consent history and the objection.
            await page.GetByRole(AriaRole.Link, new() { Name = "My data", Exact = true }).ClickAsync();
            await shots.TakeAsync("my-data");
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download my data (JSON)" }).ClickAsync());
            download.SuggestedFilename.Should().StartWith("personal-data-").And.EndWith(".json");
            using (var export = JsonDocument.Parse(await File.ReadAllTextAsync((await download.PathAsync())!)))
            {
                var root = export.RootElement;
                root.GetProperty("complete").GetBoolean().Should().BeTrue();
                var profile = root.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "profile").GetProperty("data");
                profile.GetProperty("user.contact.email").GetString().Should().Be("alice@example.test");
                profile.GetProperty("user.name").GetString().Should().Be("Alice Archer");
                // The consent given at sign-up (collect.consent) and the partner-marketing one, given then withdrawn.
                root.GetProperty("consents").GetArrayLength().Should().Be(2);
                var consent = root.GetProperty("consents").EnumerateArray().Single(c => c.GetProperty("state").GetString() != "Given");
                consent.GetProperty("state").GetString().Should().Be("Withdrawn");
                consent.GetProperty("history").GetArrayLength().Should().Be(2);
                root.GetProperty("acceptances").GetArrayLength().Should().Be(1);
                root.GetProperty("objections").EnumerateArray().Select(o => o.GetProperty("purpose").GetString()).Should().Equal("own-marketing");
                root.GetProperty("engagements").EnumerateArray().Select(e => e.GetProperty("provider").GetString()).Should().Contain("swift-couriers");
            }

            // The correction: the browser itself refuses what is not an e-mail address (the server checks again), a good
            // one lands in the profile.
            await page.GetByLabel("New e-mail address").FillAsync("not-an-address");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save the correction" }).ClickAsync();
            (await page.Locator("#email:invalid").CountAsync()).Should().Be(1);
            (await page.Locator("#profile-user-contact-email").InnerTextAsync()).Should().Be("alice@example.test");
            await page.GetByLabel("New e-mail address").FillAsync("alice.archer@example.test");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save the correction" }).ClickAsync();
            (await page.GetByRole(AriaRole.Status).InnerTextAsync()).Should().Contain("corrected");
            (await page.Locator("#profile-user-contact-email").InnerTextAsync()).Should().Be("alice.archer@example.test");
            (await fixture.ShopAsync(db => db.Profiles.SingleAsync(p => p.UserId == "alice"))).Email.Should().Be("alice.archer@example.test", "the correction is written to the EF table");

            // The erasure: confirmed, signed out, and the order history kept under the tax hold, with the reason.
            await page.GetByRole(AriaRole.Link, new() { Name = "Delete my account", Exact = true }).ClickAsync();
            await shots.TakeAsync("delete");
            await page.GetByLabel("I understand that this cannot be undone").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
            (await page.Locator("h1").InnerTextAsync()).Should().Be("Your account is deleted");
            (await page.Locator("#erasure-status").InnerTextAsync()).Should().Be("Completed");
            var kept = await page.Locator("#kept").InnerTextAsync();
            kept.Should().Contain("invoices are kept for ten years under tax law").And.Contain("user.behavior.purchase_history");
            (await fixture.ShopAsync(db => db.Profiles.AnyAsync(p => p.UserId == "alice"))).Should().BeFalse("the profile row is deleted");
            (await fixture.ShopAsync(db => db.Orders.SingleAsync(o => o.UserId == "alice"))).Reference.Should().Be("order-alice-1001", "the order under the tax hold stays");
            await shots.TakeAsync("deleted");
            (await page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).CountAsync()).Should().Be(1, "the erasure ends the session");

            // The operator: engagements, the violation, and the trail verified.
            await page.GotoAsync("/SignIn");
            await page.GetByLabel("Olivia Ortiz").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Operator$"));
            (await page.Locator("section", new() { Has = page.Locator("#engagements-heading") }).InnerTextAsync()).Should().Contain("swift-couriers");
            (await page.Locator("section", new() { Has = page.Locator("#violations-heading") }).InnerTextAsync()).Should().Contain("mallory").And.Contain("Confirmed");
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify the audit trail" }).ClickAsync();
            (await page.Locator("#verification").InnerTextAsync()).Should().StartWith("The audit trail verified");
            await shots.TakeAsync("operator");
        });
    }

    [Fact]
    public async Task A_browser_sending_global_privacy_control_records_an_objection_to_partner_marketing()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString(),
            JavaScriptEnabled = false,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Sec-GPC"] = "1" },
        });
        context.SetDefaultTimeout(5000);
        var page = await context.NewPageAsync();
        var shots = new PageShots(page, nameof(A_browser_sending_global_privacy_control_records_an_objection_to_partner_marketing));
        await shots.RunAsync(async () =>
        {
            await page.GotoAsync("/SignIn");
            await page.GetByLabel("Grace Green").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            (await page.Locator("#acceptance-state").InnerTextAsync()).Should().Contain("Accepted", "Grace accepted the policy when she signed up");

            // Plain pages do not act on the signal; the first enforced request from the signed-in person records it.
            await page.GotoAsync("/Me/Consents");
            (await page.Locator("#partner-objection").CountAsync()).Should().Be(0);
            var offers = await page.GotoAsync("/Me/Offers");
            offers!.Status.Should().Be(200, "own marketing is not sale or sharing");
            await page.GotoAsync("/Me/Consents");
            (await page.Locator("#partner-objection").InnerTextAsync()).Should().Contain("Global Privacy Control");
            await shots.TakeAsync("consents-global-privacy-control");
        });
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}
