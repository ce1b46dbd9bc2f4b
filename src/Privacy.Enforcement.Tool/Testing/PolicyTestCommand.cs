using System.CommandLine;
using System.Text.Json.Nodes;
using Privacy.Enforcement.Tool.Output;
using Privacy.Enforcement.Tool.Policies;

namespace Privacy.Enforcement.Tool.Testing;

/// <summary><c>privacy policy test FILE TESTS...</c>: decision test suites run through the real enforcer.</summary>
internal static class PolicyTestCommand
{
    public static Command Create(Terminal terminal)
    {
        var file = new Argument<string>("FILE") { Description = "The policy document (JSON file, or 'standard' for the built-in policy)." };
        var tests = new Argument<string[]>("TESTS") { Description = "Decision suites (YAML or JSON).", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "text (a table of failures), junit (JUnit XML) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "junit", "json");
        var output = new Option<string?>("--output", "-o") { Description = "Write the junit or json report to this file instead of standard output (the text summary still prints)." };
        var json = PolicyCommands.JsonOption();
        var command = new Command("test", """
            Runs decision test suites against a policy: each suite states facts (acceptances, consents with their times,
            objections, engagements, violations), a clock, and cases (a request and the expected outcome, clause ids,
            permitted and withheld categories, reasons, obligations). Each suite runs on fresh in-memory stores through
            the real enforcer. Prints a table of failures, expected against actual. Exit code 0 when every case passes,
            1 when any fails, 2 when a file is missing or malformed (the message names its line, column and path).

            Example: privacy policy test policies/standard.json policies/standard.tests.yaml --format junit -o results.xml
            """) { file, tests, format, output, json };
        command.SetAction(async (parse, token) =>
        {
            var policy = PolicyFiles.Load(parse.GetRequiredValue(file));
            var suites = parse.GetRequiredValue(tests).Select(path => new DecisionSuiteReader(policy).Read(path)).ToList();
            var results = new List<CaseResult>();
            foreach (var suite in suites)
            {
                results.AddRange(await DecisionSuiteRunner.RunAsync(policy, suite, token).ConfigureAwait(false));
            }

            var chosen = parse.GetValue(json) ? "json" : parse.GetValue(format);
            var target = parse.GetValue(output);
            if (chosen == "text" || target is not null)
            {
                WriteText(terminal, results);
            }

            if (chosen != "text")
            {
                var report = chosen == "junit" ? JUnitReport.ToText(JUnitReport.Create(results)) : ToJson(results).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
                if (target is null)
                {
                    await terminal.Out.WriteLineAsync(report).ConfigureAwait(false);
                }
                else
                {
                    await File.WriteAllTextAsync(target, report, token).ConfigureAwait(false);
                    await terminal.Out.WriteLineAsync($"{chosen} report written to {target}").ConfigureAwait(false);
                }
            }

            return results.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static void WriteText(Terminal terminal, List<CaseResult> results)
    {
        var output = terminal.Out;
        var failed = results.Where(r => !r.Passed).ToList();
        if (failed.Count > 0)
        {
            var table = new TextTable("SUITE", "CASE", "FIELD", "EXPECTED", "ACTUAL");
            foreach (var result in failed)
            {
                var first = true;
                foreach (var mismatch in result.Mismatches)
                {
                    table.Add(
                        first ? $"{Path.GetFileName(result.Suite.File)}:{result.Case.Line}" : string.Empty,
                        first ? result.Case.Name : string.Empty,
                        mismatch.Field,
                        mismatch.Expected,
                        terminal.Red(mismatch.Actual));
                    first = false;
                }
            }

            table.WriteTo(output, terminal);
            output.WriteLine();
        }

        var summary = $"{results.Count - failed.Count} passed, {failed.Count} failed";
        output.WriteLine($"{(failed.Count == 0 ? terminal.Green("PASS") : terminal.Red("FAIL"))} {summary} ({results.Select(r => r.Suite).Distinct().Count()} suite{(results.Select(r => r.Suite).Distinct().Count() == 1 ? string.Empty : "s")})");
    }

    private static JsonObject ToJson(List<CaseResult> results) => new()
    {
        ["passed"] = results.Count(r => r.Passed),
        ["failed"] = results.Count(r => !r.Passed),
        ["cases"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
        {
            ["suite"] = r.Suite.File,
            ["case"] = r.Case.Name,
            ["path"] = r.Case.Path,
            ["line"] = r.Case.Line,
            ["passed"] = r.Passed,
            ["outcome"] = r.Decision.Outcome.ToString(),
            ["clauses"] = JsonOutput.Array(r.Decision.Clauses),
            ["mismatches"] = new JsonArray([.. r.Mismatches.Select(m => (JsonNode)new JsonObject { ["field"] = m.Field, ["expected"] = m.Expected, ["actual"] = m.Actual })]),
        })]),
    };
}
