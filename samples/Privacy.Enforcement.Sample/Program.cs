using Privacy.Enforcement.Sample;

// Runs the story against a fresh SQLite file under the sample's output folder (or the folder given as argument)
// and exits non-zero when any step did not come out as the policy requires.
// With "--data-map PATH" it writes the sample's data map as PATH.json and PATH.md instead (docs/sample-data-map).
if (args is ["--data-map", var mapPath])
{
    SampleDataMap.Write(mapPath);
    return 0;
}

var dataDirectory = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data");
return await SampleApp.RunAsync(Console.Out, dataDirectory, CancellationToken.None);
