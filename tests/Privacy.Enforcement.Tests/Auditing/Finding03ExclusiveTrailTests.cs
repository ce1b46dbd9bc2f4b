using System.Collections.Concurrent;
using System.Diagnostics;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>
/// Finding 3: two processes on one JSON Lines trail lost acknowledged events. The trail is held exclusively: a second
/// writer fails at start-up, naming the file and pointing to a shared SQL trail.
/// </summary>
public sealed class Finding03ExclusiveTrailTests : IDisposable
{
    private readonly string _dir = AuditTestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Finding03_a_second_process_on_the_same_json_lines_trail_fails_at_start_up_and_the_first_loses_nothing()
    {
        var trailPath = Path.Combine(_dir, "trail.jsonl");
        var checkpointPath = Path.Combine(_dir, "checkpoints.jsonl");
        var acknowledged = new ConcurrentBag<string>();

        using var first = Start(trailPath, checkpointPath, "a");
        var firstAcks = new TaskCompletionSource();
        first.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("ack ", StringComparison.Ordinal))
            {
                acknowledged.Add(line[4..]);
                if (acknowledged.Count >= 200)
                {
                    firstAcks.TrySetResult();
                }
            }
        };
        first.BeginOutputReadLine();
        var firstErrors = first.StandardError.ReadToEndAsync();
        (await Task.WhenAny(firstAcks.Task, first.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)))).Should().Be(firstAcks.Task, "the first writer must be writing; stderr: {0}", first.HasExited ? await firstErrors : string.Empty);

        // The second writer, on the same files while the first is still writing.
        using var second = Start(trailPath, checkpointPath, "b");
        var secondAcks = 0;
        second.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("ack ", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref secondAcks);
            }
        };
        second.BeginOutputReadLine();
        var secondErrors = second.StandardError.ReadToEndAsync();
        var exited = second.WaitForExitAsync();
        var finished = await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(30)));
        if (finished != exited)
        {
            second.Kill();
        }

        first.Kill(); // SIGKILL
        await first.WaitForExitAsync();
        first.WaitForExit(); // drains the redirected output
        await second.WaitForExitAsync();

        secondAcks.Should().Be(0, "a second writer must not acknowledge events on a trail another process holds");
        finished.Should().Be(exited, "the second writer must fail at start-up, not keep running");
        second.ExitCode.Should().NotBe(0);
        var message = await secondErrors;
        message.Should().Contain(trailPath).And.Contain("shared SQL trail");

        using var sink = new JsonLinesAuditSink(trailPath);
        var ids = (await sink.ReadAsync(1, default).ToListAsync()).Select(e => e.CorrelationId).ToList();
        ids.Should().OnlyHaveUniqueItems().And.Contain(acknowledged);
        await using var trailStream = File.OpenRead(trailPath);
        (await AuditTrailVerifier.VerifyJsonLinesAsync(trailStream, null, null, default)).IsValid.Should().BeTrue();
    }

    [Fact]
    public void Finding03_a_second_sink_on_the_same_file_in_one_process_is_refused_until_the_first_is_disposed()
    {
        var trailPath = Path.Combine(_dir, "trail.jsonl");
        var checkpointPath = Path.Combine(_dir, "checkpoints.jsonl");
        using (new JsonLinesAuditSink(trailPath))
        {
            var open = () => new JsonLinesAuditSink(trailPath);
            open.Should().Throw<IOException>().WithMessage($"*{trailPath}*shared SQL trail*");
        }

        using (new JsonLinesCheckpointSink(checkpointPath))
        {
            var open = () => new JsonLinesCheckpointSink(checkpointPath);
            open.Should().Throw<IOException>().WithMessage($"*{checkpointPath}*");
        }

        using var again = new JsonLinesAuditSink(trailPath);
        using var checkpointsAgain = new JsonLinesCheckpointSink(checkpointPath);
    }

    private static Process Start(string trailPath, string checkpointPath, string runId)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Privacy.Enforcement.CrashHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { host, trailPath, checkpointPath, runId, "4" })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
