using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Privacy.Enforcement.Sample;

/// <summary>Wires the library the way a host does and plays the story through it.</summary>
public static class SampleApp
{
    /// <summary>The instant the story starts at; the sample's clock moves forward from here.</summary>
    public static readonly DateTimeOffset StoryStart = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Runs the story.</summary>
    /// <param name="output">Where the story is printed.</param>
    /// <param name="dataDirectory">The folder the database file lives in; the story starts from a fresh file.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>0 when every step came out as expected; 1 otherwise.</returns>
    public static async Task<int> RunAsync(TextWriter output, string dataDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        Directory.CreateDirectory(dataDirectory);
        var databasePath = Path.GetFullPath(Path.Combine(dataDirectory, "privacy-sample.db"));

        // Each run starts from a fresh database so the story is the same every time. Pooled connections of an earlier
        // run in this process would still point at the deleted file, so they go first.
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
        {
            File.Delete(file);
        }

        // The library reads time only from the registered TimeProvider; the sample's clock lets the story skip days.
        var clock = new ManualClock(StoryStart);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(clock);
        var data = new SampleData();
        builder.Services.AddPrivacyEnforcement(options => options.UsePolicyDocument(SamplePolicy.Version1))
                        .UseSqlite($"Data Source={databasePath}")
                        .AddPersonalDataSource(data.Profiles)
                        .AddPersonalDataSource(data.Orders);

        var log = new StoryLog(output);
        output.WriteLine("Privacy.Enforcement sample: one user's story under the standard policy, on SQLite");
        output.WriteLine($"Database: {databasePath}");
        output.WriteLine($"Clock starts at {StoryStart:yyyy-MM-dd HH:mm} UTC");

        using (var host = builder.Build())
        {
            await host.StartAsync(cancellationToken);
            await new Story(host.Services, data, clock, log, cancellationToken).RunAsync();
            await host.StopAsync(cancellationToken);
        }

        output.WriteLine();
        output.WriteLine($"Story: {log.Steps} steps, {log.Failures.Count} failed");
        foreach (var failure in log.Failures)
        {
            output.WriteLine("  " + failure);
        }

        // A story that checked nothing proves nothing.
        return log.Failures.Count == 0 && log.Steps > 0 ? 0 : 1;
    }
}
