using Privacy.Enforcement.DataMap;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.Sample;

/// <summary>
/// The sample's data map (records of processing): its policy with the two data sources it registers. Checked in as
/// docs/sample-data-map.json and docs/sample-data-map.md; regenerate them with
/// <c>dotnet run --project samples/Privacy.Enforcement.Sample -- --data-map docs/sample-data-map</c>.
/// </summary>
public static class SampleDataMap
{
    /// <summary>Builds the data map of the sample's configuration (no engagements and no trail: the map does not depend on a run).</summary>
    /// <returns>The data map.</returns>
    public static DataMap.DataMap Build()
    {
        var data = new SampleData();
        return DataMapBuilder.Build(PublishedPolicy.Create(SamplePolicy.Version1), [data.Profiles, data.Orders], []);
    }

    /// <summary>Writes the data map as <paramref name="pathWithoutExtension"/>.json and .md.</summary>
    /// <param name="pathWithoutExtension">The path of the files, without extension.</param>
    public static void Write(string pathWithoutExtension)
    {
        var map = Build();
        File.WriteAllText(pathWithoutExtension + ".json", DataMapWriter.ToJson(map));
        File.WriteAllText(pathWithoutExtension + ".md", DataMapWriter.ToMarkdown(map));
    }
}
