using System.Diagnostics;

namespace Privacy.Enforcement.Tests.Shared;

/// <summary>
/// Runs the crash writer (tests/Privacy.Enforcement.CrashWriter) with <c>dotnet</c>, lets it acknowledge some grants,
/// kills it with SIGKILL mid-run and returns every fact id it had acknowledged.
/// </summary>
internal static class CrashWriterRun
{
    public static async Task<IReadOnlyList<Guid>> GrantAndKillAsync(IEnumerable<string> arguments, int killAfterAcks, TimeSpan timeout)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Privacy.Enforcement.CrashWriter.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The crash writer did not start.");
        var acked = new List<Guid>();
        using var deadline = new CancellationTokenSource(timeout);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        var killed = false;
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            // A line cut by the kill is not an acknowledgement; only whole "ack <guid>" lines count.
            if (line.StartsWith("ack ", StringComparison.Ordinal) && Guid.TryParse(line.AsSpan(4), out var id))
            {
                acked.Add(id);
            }

            if (!killed && acked.Count >= killAfterAcks)
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no flush, no dispose, no finally.
                killed = true;
            }
        }

        await process.WaitForExitAsync(deadline.Token);
        if (!killed)
        {
            throw new InvalidOperationException($"The crash writer ended before it was killed (exit {process.ExitCode}): {await errors}");
        }

        process.ExitCode.Should().Be(137, "the writer must die of SIGKILL, not finish");
        return acked;
    }
}
