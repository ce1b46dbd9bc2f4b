using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Privacy.Enforcement.WebSample.Tests;

/// <summary>Every page of the privacy center checked by axe-core in the browser against WCAG 2.1 A and AA.</summary>
[Collection(PrivacyCenterCollection.Name)]
public sealed class PrivacyCenterAccessibilityTests(PrivacyCenterFixture fixture)
{
    private static readonly AxeRunOptions Wcag = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    [Fact]
    public async Task No_page_of_the_privacy_center_has_an_accessibility_violation()
    {
        var violations = new List<string>();
        var checkedPages = 0;
        foreach (var (user, paths) in new (string?, string[])[]
        {
            (null, ["/", "/SignIn"]),
            ("Bob Baker", ["/Me/Policy", "/Me/Consents", "/Me/Data", "/Me/Delete"]),
            ("Olivia Ortiz", ["/Operator"]),
        })
        {
            // axe runs as script in the page, so this context has JavaScript on (the pages themselves need none).
            await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.BaseAddress.ToString() });
            context.SetDefaultTimeout(5000);
            var page = await context.NewPageAsync();
            if (user is not null)
            {
                await page.GotoAsync("/SignIn");
                await page.GetByLabel(user).CheckAsync();
                await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            }

            foreach (var path in paths)
            {
                var response = await page.GotoAsync(path);
                response!.Status.Should().Be(200, "{0} should open for {1}", path, user ?? "a visitor");
                var result = await page.RunAxe(Wcag);
                result.Passes.Should().NotBeEmpty("axe must have checked something on {0}", path);
                violations.AddRange(result.Violations.Select(v => $"{path} {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})"));
                checkedPages++;
            }
        }

        checkedPages.Should().Be(7);
        violations.Should().BeEmpty();
    }
}
