using Privacy.Enforcement.Sample;

// Runs the story against a fresh SQLite file under the sample's output folder (or the folder given as argument)
// and exits non-zero when any step did not come out as the policy requires.
var dataDirectory = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data");
return await SampleApp.RunAsync(Console.Out, dataDirectory, CancellationToken.None);
