using System.Text.Json;

namespace Privacy.Enforcement.Tool.Tests;

/// <summary><c>privacy data-map</c> as a process: a policy and a Fides dataset, as Markdown and JSON, and bad input.</summary>
public sealed class DataMapProcessTests : IDisposable
{
    private const string Dataset = """
        dataset:
          - fides_key: shop_db
            collections:
              - name: customers
                fields:
                  - name: email
                    data_categories: [user.contact.email]
                  - name: phone
                    data_categories: [user.contact.phone_number]
        """;

    private readonly TempFolder _temp = new();

    private static string StandardJson => Path.Combine(ToolProcess.Policies, "standard.json");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_data_map_names_each_purpose_and_the_fields_holding_its_categories()
    {
        var dataset = _temp.Write("shop.fides.yaml", Dataset);

        var (code, output, error) = await ToolProcess.RunAsync("data-map", StandardJson, "--dataset", dataset);
        var (jsonCode, json, _) = await ToolProcess.RunAsync("data-map", StandardJson, "--dataset", dataset, "--json");

        error.Should().BeEmpty();
        code.Should().Be(0);
        output.Should().StartWith("# Data map: standard 1.0").And.Contain("## Purpose `service-provision`")
            .And.Contain("| `user.contact.email` | ContactCapable | held | shop.fides: customers.email |")
            .And.Contain("Recipients: `courier` (service-provider), `sister-co` (affiliate)");
        jsonCode.Should().Be(0);
        var map = JsonDocument.Parse(json).RootElement;
        map.GetProperty("policyVersion").GetString().Should().Be("1.0");
        map.GetProperty("purposes").EnumerateArray().Select(p => p.GetProperty("id").GetString()).Should().Contain(["service-provision", "partner-marketing"]);
    }

    [Fact]
    public async Task A_missing_or_malformed_dataset_exits_with_two_and_names_the_problem()
    {
        var (missing, _, missingError) = await ToolProcess.RunAsync("data-map", "standard", "--dataset", Path.Combine(_temp.Path, "none.yaml"));
        var (malformed, _, malformedError) = await ToolProcess.RunAsync("data-map", "standard", "--dataset", _temp.Write("bad.yaml", "dataset:\n  - fides_key: [x\n"));

        missing.Should().Be(2);
        missingError.Should().Contain("none.yaml' does not exist");
        malformed.Should().Be(2);
        malformedError.Should().Contain("bad.yaml");
    }

    [Fact]
    public async Task Help_has_an_example()
    {
        var (code, output, _) = await ToolProcess.RunAsync("data-map", "--help");

        code.Should().Be(0);
        output.Should().Contain("Example: privacy data-map");
    }
}
