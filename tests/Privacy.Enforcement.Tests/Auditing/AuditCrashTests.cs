using System.Collections.Concurrent;
using System.Diagnostics;

namespace Privacy.Enforcement.Tests.Auditing;

public sealed class AuditCrashTests : IDisposable
{
    private readonly string _dir = AuditTestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>store.integrity: a process killed with SIGKILL mid-stream loses no event whose recording had returned.</summary>
    [Fact]
    public async Task Store_integrity_every_acknowledged_event_survives_a_kill_and_the_trail_resumes_after_the_recovered_head()
    {
        var trailPath = Path.Combine(_dir, "trail.jsonl");
        var checkpointPath = Path.Combine(_dir, "checkpoints.jsonl");
        var acknowledged = new ConcurrentBag<string>();

        for (var run = 0; run < 2; run++)
        {
            await RunAndKillAsync(trailPath, checkpointPath, "r" + run, acknowledged);
        }

        acknowledged.Should().NotBeEmpty();
        using (var sink = new JsonLinesAuditSink(trailPath))
        {
            var events = await sink.ReadAsync(1, default).ToListAsync();
            var ids = events.Select(e => e.CorrelationId).ToList();
            ids.Should().OnlyHaveUniqueItems();
            ids.Should().Contain(acknowledged);

            // The trail resumes after the recovered head: a new pipeline appends and the whole chain verifies.
            await using (var trail = new AuditTrailPipeline(sink, null, new JsonLinesCheckpointSink(checkpointPath), null, new AuditTrailOptions(), TimeProvider.System))
            {
                await trail.RecordAsync(AuditTestData.Event(1), default);
            }

            (await sink.ReadLastAsync(default))!.Sequence.Should().Be(events.Count + 1);
        }

        await using var trailStream = File.OpenRead(trailPath);
        await using var checkpointStream = File.OpenRead(checkpointPath);
        var result = await AuditTrailVerifier.VerifyJsonLinesAsync(trailStream, checkpointStream, null, default);
        result.IsValid.Should().BeTrue(result.Message);
        result.CheckpointsVerified.Should().BeGreaterThan(0);
    }

    private static async Task RunAndKillAsync(string trailPath, string checkpointPath, string runId, ConcurrentBag<string> acknowledged)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Privacy.Enforcement.CrashHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { host, trailPath, checkpointPath, runId, "16" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var acks = 0;
        var enough = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("ack ", StringComparison.Ordinal))
            {
                acknowledged.Add(line[4..]);
                if (Interlocked.Increment(ref acks) >= 300)
                {
                    enough.TrySetResult();
                }
            }
        };
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();

        var finished = await Task.WhenAny(enough.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        process.HasExited.Should().BeFalse("the host must still be writing; stderr: {0}", process.HasExited ? await stderr : string.Empty);
        finished.Should().Be(enough.Task);

        process.Kill(); // SIGKILL on Unix: no flush, no finally, no shutdown
        await process.WaitForExitAsync();
        process.WaitForExit(); // drains the redirected output, so every printed ack is counted
    }
}
