using System.Text.Json.Nodes;
using Json.Schema;
using Privacy.Enforcement.DataMap;
using Privacy.Enforcement.Sample;

namespace Privacy.Enforcement.Samples.Tests;

public sealed class SampleDataMapTests
{
    private const string Regenerate = "docs/sample-data-map.* is stale: regenerate it with `dotnet run --project samples/Privacy.Enforcement.Sample -- --data-map docs/sample-data-map` and review the diff";

    [Fact]
    public void The_checked_in_json_data_map_is_the_samples_current_one()
    {
        var expected = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "sample-data-map.json")).ReplaceLineEndings("\n");

        DataMapWriter.ToJson(SampleDataMap.Build()).Should().Be(expected, Regenerate);
    }

    [Fact]
    public void The_checked_in_markdown_data_map_is_the_samples_current_one()
    {
        var expected = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "sample-data-map.md")).ReplaceLineEndings("\n");

        DataMapWriter.ToMarkdown(SampleDataMap.Build()).Should().Be(expected, Regenerate);
    }

    [Fact]
    public void The_samples_data_map_is_valid_against_the_checked_in_schema()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "data-map.schema.json")));

        var evaluation = schema.Evaluate(JsonNode.Parse(DataMapWriter.ToJson(SampleDataMap.Build())), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

        evaluation.IsValid.Should().BeTrue(string.Join("; ", evaluation.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public void The_schema_rejects_a_data_map_with_a_purpose_missing_its_data_uses()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "data-map.schema.json")));
        var json = JsonNode.Parse(DataMapWriter.ToJson(SampleDataMap.Build()))!;
        json["purposes"]![0]!.AsObject().Remove("dataUses");

        schema.Evaluate(json).IsValid.Should().BeFalse();
    }

    [Fact]
    public void The_samples_data_map_shows_each_purpose_with_its_fideslang_data_use_clause_and_sources()
    {
        var map = SampleDataMap.Build();

        var service = map.Purposes.Single(p => p.Id == StandardPurposes.ServiceProvision);
        service.DataUses.Should().Equal("essential.service");
        service.Clauses.Should().Contain(ClauseIds.IntroAcceptance);
        service.Categories.Single(c => c.Id == StandardDataCategories.Phone).HeldIn.Should().Equal(new DataMapLocation("profiles", null, null, false));
        service.Recipients.Select(r => r.Id).Should().Contain("swift-couriers");

        var partner = map.Purposes.Single(p => p.Id == StandardPurposes.PartnerMarketing);
        partner.Basis.Should().Be("consent");
        partner.DataUses.Should().Equal("marketing.advertising.third_party", "third_party_sharing");
        partner.Recipients.Select(r => r.Id).Should().BeEquivalentTo(["acme-offers", "city-insurance"]);
        partner.Recipients.Should().NotContain(r => r.Id == "swift-couriers");

        map.Purposes.Single(p => p.Id == StandardPurposes.LegalCompliance).DataUses.Should().Contain("essential.legal_obligation");
        map.Purposes.Single(p => p.Id == StandardPurposes.Security).DataUses.Should().Contain("essential.service.security");
        map.Purposes.Single(p => p.Id == StandardPurposes.OwnMarketing).DataUses.Should().Contain("marketing.communications");
        map.Sources.Select(s => s.Name).Should().Equal("orders", "profiles");
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
