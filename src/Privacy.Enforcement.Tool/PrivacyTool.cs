using System.CommandLine;
using System.CommandLine.Help;
using Privacy.Enforcement.Tool.Auditing;
using Privacy.Enforcement.Tool.DataMaps;
using Privacy.Enforcement.Tool.Output;
using Privacy.Enforcement.Tool.Policies;
using Privacy.Enforcement.Tool.Testing;

namespace Privacy.Enforcement.Tool;

/// <summary>The <c>privacy</c> command line: <c>policy</c> (validate, test, diff, explain), <c>audit</c> (verify, query) and <c>data-map</c>.</summary>
internal static class PrivacyTool
{
    /// <summary>Runs the tool on the console: colour only where the terminal supports it.</summary>
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken) =>
        RunAsync(args, Terminal.ForConsole(), cancellationToken);

    /// <summary>Runs the tool writing to the given writers, without colour (tests, redirected output).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(args, new Terminal(output, error, color: false), cancellationToken);

    private static async Task<int> RunAsync(string[] args, Terminal terminal, CancellationToken cancellationToken)
    {
        var root = CreateRootCommand(terminal);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var problem in parse.Errors)
            {
                await terminal.Error.WriteLineAsync($"error: {problem.Message}").ConfigureAwait(false);
            }

            var command = parse.CommandResult.Command;
            var path = string.Join(' ', EnumeratePath(parse.CommandResult).Reverse());
            await terminal.Error.WriteLineAsync($"Run '{path} --help' to see the {(command.Subcommands.Count > 0 ? "commands" : "arguments and options")} and an example.").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = terminal.Out, Error = terminal.Error, EnableDefaultExceptionHandler = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolException ex)
        {
            await terminal.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
    }

    private static IEnumerable<string> EnumeratePath(System.CommandLine.Parsing.CommandResult? result)
    {
        for (var current = result; current is not null; current = current.Parent as System.CommandLine.Parsing.CommandResult)
        {
            yield return current.Command is RootCommand ? "privacy" : current.Command.Name;
        }
    }

    private static RootCommand CreateRootCommand(Terminal terminal)
    {
        var root = new RootCommand("""
            privacy: check a Privacy.Enforcement policy before deploying it, and audit what it decided.

            Example: privacy policy test policies/standard.json policies/standard.tests.yaml
            """);
        var policy = new Command("policy", "Validate, test, compare and explain policy documents. Example: privacy policy validate my-policy.json")
        {
            PolicyCommands.Validate(terminal),
            PolicyTestCommand.Create(terminal),
            PolicyCommands.Diff(terminal),
            PolicyExplainCommand.Create(terminal),
        };
        var audit = new Command("audit", "Verify and query a stored audit trail. Example: privacy audit verify --trail audit.jsonl")
        {
            AuditTool.CreateCommand(terminal),
            AuditQueryCommand.Create(terminal),
        };
        root.Subcommands.Add(policy);
        root.Subcommands.Add(audit);
        root.Subcommands.Add(DataMapCommand.Create(terminal));
        return root;
    }
}
