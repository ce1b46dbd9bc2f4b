using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;

namespace Privacy.Enforcement.Tests.Telemetry;

public partial class TelemetryDocumentationTests
{
    [Fact]
    public void Every_instrument_is_listed_in_the_readme_with_its_type_and_unit()
    {
        using var meters = new PrivacyEnforcementMeterFactory();
        var telemetry = new PrivacyTelemetry(meters);
        var instruments = new List<Instrument>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter, telemetry.Meter))
                {
                    instruments.Add(instrument);
                }
            };
            listener.Start();
        }

        var rows = ReadmeRow().Matches(File.ReadAllText(FindReadme()))
            .ToDictionary(m => m.Groups["name"].Value, m => (Type: m.Groups["type"].Value, Unit: m.Groups["unit"].Value));

        instruments.Should().NotBeEmpty();
        rows.Keys.Should().BeEquivalentTo(instruments.Select(i => i.Name), "the README lists every instrument and no other");
        foreach (var instrument in instruments)
        {
            rows[instrument.Name].Unit.Should().Be(instrument.Unit, instrument.Name);
            rows[instrument.Name].Type.Should().Be(TypeName(instrument), instrument.Name);
        }
    }

    [Fact]
    public void The_meter_and_the_activity_source_have_the_published_names()
    {
        using var meters = new PrivacyEnforcementMeterFactory();
        new PrivacyTelemetry(meters).Meter.Name.Should().Be(PrivacyEnforcementTelemetry.MeterName);
        PrivacyTelemetry.ActivitySource.Name.Should().Be(PrivacyEnforcementTelemetry.ActivitySourceName);
    }

    private static string TypeName(Instrument instrument) => instrument.GetType().Name switch
    {
        var n when n.StartsWith("UpDownCounter", StringComparison.Ordinal) => "up-down counter",
        var n when n.StartsWith("Counter", StringComparison.Ordinal) => "counter",
        var n when n.StartsWith("Histogram", StringComparison.Ordinal) => "histogram",
        var n => n,
    };

    private static string FindReadme()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "README.md");
            if (File.Exists(path) && File.Exists(Path.Combine(dir.FullName, "Privacy.Enforcement.sln")))
            {
                return path;
            }
        }

        throw new FileNotFoundException("The repository README was not found above the test directory.");
    }

    [GeneratedRegex(@"^\| `(?<name>privacy\.[a-z.]+)` \| (?<type>[a-z -]+) \| `(?<unit>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ReadmeRow();
}
