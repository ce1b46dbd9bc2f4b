using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.DataMap;
using Privacy.Enforcement.EntityFrameworkCore;
using Privacy.Enforcement.WebSample.Demo;
using Privacy.Enforcement.WebSample.Profiles;

namespace Privacy.Enforcement.WebSample.Tests;

/// <summary>The shop's EF Core data behind the privacy interceptor, and the sample's checked-in data map.</summary>
[Collection(PrivacyCenterCollection.Name)]
public sealed class ShopDataTests(PrivacyCenterFixture fixture)
{
    private const string Regenerate = "docs/websample-data-map.* is stale: regenerate it with `dotnet run --project samples/Privacy.Enforcement.WebSample -- --data-map $PWD/docs/websample-data-map` and review the diff";

    [Fact]
    public async Task A_profile_saved_without_a_purpose_in_scope_is_refused_and_nothing_is_written()
    {
        var save = () => fixture.ShopAsync(db =>
        {
            db.Profiles.Add(new CustomerProfile { UserId = "walk-in", Email = "walk-in@example.test" });
            return db.SaveChangesAsync();
        });

        await save.Should().ThrowAsync<PersonalDataDeniedException>();
        (await fixture.ShopAsync(db => db.Profiles.AnyAsync(p => p.UserId == "walk-in"))).Should().BeFalse();
    }

    [Fact]
    public async Task A_profile_collected_for_service_provision_from_someone_who_never_accepted_the_policy_is_refused()
    {
        var save = () => fixture.ShopAsync(async db =>
        {
            using var scope = PrivacyScope.Begin(new PurposeId(StandardPurposes.ServiceProvision));
            db.Profiles.Add(new CustomerProfile { UserId = "walk-in", Email = "walk-in@example.test" });
            return await db.SaveChangesAsync();
        });

        (await save.Should().ThrowAsync<PersonalDataDeniedException>()).Which.Decision.IsFullyPermitted.Should().BeFalse();
        (await fixture.ShopAsync(db => db.Profiles.AnyAsync(p => p.UserId == "walk-in"))).Should().BeFalse();
    }

    [Fact]
    public void The_checked_in_json_data_map_is_the_samples_current_one()
    {
        var expected = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "websample-data-map.json")).ReplaceLineEndings("\n");

        DataMapWriter.ToJson(WebSampleDataMap.Build(fixture.Factory.Services)).Should().Be(expected, Regenerate);
    }

    [Fact]
    public void The_checked_in_markdown_data_map_is_the_samples_current_one()
    {
        var expected = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "websample-data-map.md")).ReplaceLineEndings("\n");

        DataMapWriter.ToMarkdown(WebSampleDataMap.Build(fixture.Factory.Services)).Should().Be(expected, Regenerate);
    }

    [Fact]
    public void The_samples_data_map_is_valid_against_the_checked_in_schema()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "data-map.schema.json")));

        var evaluation = schema.Evaluate(JsonNode.Parse(DataMapWriter.ToJson(WebSampleDataMap.Build(fixture.Factory.Services))), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

        evaluation.IsValid.Should().BeTrue(string.Join("; ", evaluation.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public void The_data_map_names_the_ef_table_and_column_of_each_profile_category()
    {
        var map = WebSampleDataMap.Build(fixture.Factory.Services);

        map.Sources.Select(s => s.Name).Should().Equal(CenterDb.SourceName);
        var service = map.Purposes.Single(p => p.Id == StandardPurposes.ServiceProvision);
        service.Categories.Single(c => c.Id == StandardDataCategories.Email).HeldIn.Should().Equal(new DataMapLocation(CenterDb.SourceName, "customer_profile", "Email", false));
        service.Categories.Single(c => c.Id == StandardDataCategories.PurchaseHistory).HeldIn.Should().Equal(new DataMapLocation(CenterDb.SourceName, "customer_order", "Reference", false));
        service.Recipients.Select(r => r.Id).Should().Contain(CenterPolicy.DeliveryProvider);
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

        throw new InvalidOperationException("The repository root (Privacy.Enforcement.sln) was not found above the test's folder.");
    }
}
