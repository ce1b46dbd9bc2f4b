using System.Diagnostics;

namespace Privacy.Enforcement.Samples.Tests;

/// <summary>
/// The README's quick start is samples/Privacy.Enforcement.QuickStart/Program.cs: the README cannot drift from the
/// program, and the program, run as its own process, goes from sign-up to a Permit and then a Deny.
/// </summary>
public class QuickStartTests
{
    private const string Begin = "<!-- quick-start:begin -->";
    private const string End = "<!-- quick-start:end -->";

    [Fact]
    public void The_readme_quick_start_is_the_quick_start_program()
    {
        var root = RepositoryRoot();
        var readme = Normalise(File.ReadAllText(Path.Combine(root, "README.md")));
        var begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        begin.Should().BeGreaterThan(0, "the README marks its quick start with " + Begin);
        end.Should().BeGreaterThan(begin, "the README ends its quick start with " + End);
        readme.IndexOf(Begin, begin + 1, StringComparison.Ordinal).Should().Be(-1, "the README has one quick start");

        var block = readme[(begin + Begin.Length)..end].Trim('\n');
        block.Should().StartWith("```csharp\n").And.EndWith("\n```");
        var code = block["```csharp\n".Length..^"\n```".Length];
        var program = Normalise(File.ReadAllText(Path.Combine(root, "samples", "Privacy.Enforcement.QuickStart", "Program.cs"))).TrimEnd('\n');
        code.Should().Be(program, "the README's quick start is exactly samples/Privacy.Enforcement.QuickStart/Program.cs");
    }

    [Fact]
    public async Task The_quick_start_prints_a_permit_then_a_deny_and_exits_zero()
    {
        var temp = Path.Combine(Path.GetTempPath(), "privacy-quick-start-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            var (exitCode, output, errors) = await RunQuickStartAsync(temp);

            exitCode.Should().Be(0, output + errors);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            lines.Should().Equal(
                ["with consent: Permit; clauses [intro.acceptance, collect.consent]; reasons []",
                 "after withdrawal: Deny; clauses [intro.acceptance, collect.consent]; reasons [ConsentWithdrawn]"],
                "the subject accepted and consented, then withdrew: " + output + errors);
            Directory.GetFiles(temp, "privacy-quick-start-*.db").Should().ContainSingle("the quick start keeps its data in one SQLite file under the temporary folder");
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunQuickStartAsync(string temp)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "Privacy.Enforcement.QuickStart.dll");
        File.Exists(program).Should().BeTrue("the quick start is built beside the tests");
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = temp,
        };
        start.ArgumentList.Add(program);
        start.Environment["TMPDIR"] = temp;
        start.Environment["TMP"] = temp;
        start.Environment["TEMP"] = temp;

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }

    private static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && File.Exists(Path.Combine(dir.FullName, "Privacy.Enforcement.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (README.md beside Privacy.Enforcement.sln) was not found above the test directory.");
    }
}
