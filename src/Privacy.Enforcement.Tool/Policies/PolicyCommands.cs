using System.CommandLine;
using System.Text.Json.Nodes;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Tool.Output;

namespace Privacy.Enforcement.Tool.Policies;

/// <summary><c>privacy policy validate</c> and <c>privacy policy diff</c>.</summary>
internal static class PolicyCommands
{
    public static Option<bool> JsonOption() => new("--json") { Description = "Write one JSON document for machines instead of tables." };

    public static Command Validate(Terminal terminal)
    {
        var file = new Argument<string>("FILE") { Description = "The policy document (JSON)." };
        var json = JsonOption();
        var command = new Command("validate", """
            Checks a policy document and lists every error with its JSON path. Exit code 0 when it is valid, 1 when it
            has errors, 2 when the file cannot be read.

            Example: privacy policy validate my-policy.json
            """) { file, json };
        command.SetAction(parse =>
        {
            var path = parse.GetRequiredValue(file);
            var text = PolicyFiles.ReadText(path, "policy file");
            IReadOnlyList<PolicyValidationError> errors;
            PublishedPolicy? policy = null;
            try
            {
                policy = PolicyDocumentSerializer.Load(text);
                errors = [];
            }
            catch (PolicyValidationException ex)
            {
                errors = ex.Errors;
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(terminal.Out, new JsonObject
                {
                    ["file"] = path,
                    ["valid"] = errors.Count == 0,
                    ["version"] = policy?.Version.ToString(),
                    ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["path"] = e.Path, ["message"] = e.Message })]),
                });
            }
            else if (errors.Count == 0)
            {
                terminal.Out.WriteLine($"{terminal.Green("valid")} {path}: policy {policy!.Version} ({policy.Document.Clauses.Count} clauses, {policy.Document.Rules.Count} rules)");
            }
            else
            {
                terminal.Out.WriteLine($"{terminal.Red("invalid")} {path}: {errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}");
                var table = new TextTable("PATH", "ERROR");
                foreach (var error in errors)
                {
                    table.Add(error.Path, error.Message);
                }

                table.WriteTo(terminal.Out, terminal);
            }

            return errors.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    public static Command Diff(Terminal terminal)
    {
        var older = new Argument<string>("OLD") { Description = "The policy in force (JSON file, or 'standard')." };
        var newer = new Argument<string>("NEW") { Description = "The policy to publish (JSON file, or 'standard')." };
        var json = JsonOption();
        var command = new Command("diff", """
            The semantic difference between two policy versions: clauses, categories, purposes, recipients, services,
            grounds and rules added, removed, narrowed (a list lost entries), widened (a list gained entries) or changed,
            and which consents the change makes need renewal (changes.notice). Exit code 0 when no consent needs
            renewal, 2 when some do (use it as a CI gate) or when a file cannot be read or is invalid.

            Example: privacy policy diff standard my-policy.json || echo "consents need renewal: plan the notice"
            """) { older, newer, json };
        command.SetAction(parse =>
        {
            var from = PolicyFiles.Load(parse.GetRequiredValue(older));
            var to = PolicyFiles.Load(parse.GetRequiredValue(newer));
            var report = PolicyComparison.Compare(from.Document, to.Document);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(terminal.Out, report.ToJson());
            }
            else
            {
                report.WriteTo(terminal);
            }

            return report.Renewals.Count > 0 ? ExitCodes.UsageError : ExitCodes.Ok;
        });
        return command;
    }
}
