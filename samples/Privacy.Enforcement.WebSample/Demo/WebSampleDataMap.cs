using Privacy.Enforcement.DataMap;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.WebSample.Demo;

/// <summary>
/// The privacy center's data map (records of processing): its policy with the data sources it registers. Checked in
/// as docs/websample-data-map.json and docs/websample-data-map.md; regenerate them with
/// <c>dotnet run --project samples/Privacy.Enforcement.WebSample -- --data-map $PWD/docs/websample-data-map</c>
/// from the repository's root (an absolute path: <c>dotnet run</c> starts a web project in its own folder).
/// </summary>
public static class WebSampleDataMap
{
    /// <summary>Builds the data map of the sample's configuration (no engagements and no trail: the map does not depend on a run).</summary>
    /// <param name="services">The sample's services.</param>
    /// <returns>The data map.</returns>
    public static DataMap.DataMap Build(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return DataMapBuilder.Build(services.GetRequiredService<IPolicyProvider>().Current, services.GetServices<IPersonalDataSource>(), []);
    }

    /// <summary>Writes the data map as <paramref name="pathWithoutExtension"/>.json and .md.</summary>
    /// <param name="services">The sample's services.</param>
    /// <param name="pathWithoutExtension">The path of the files, without extension.</param>
    public static void Write(IServiceProvider services, string pathWithoutExtension)
    {
        var map = Build(services);
        File.WriteAllText(pathWithoutExtension + ".json", DataMapWriter.ToJson(map));
        File.WriteAllText(pathWithoutExtension + ".md", DataMapWriter.ToMarkdown(map));
    }
}
