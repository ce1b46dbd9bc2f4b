using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Tool.Output;
using Privacy.Enforcement.Tool.Testing;

namespace Privacy.Enforcement.Tool.Policies;

/// <summary><c>privacy policy explain FILE REQUEST [FACTS]</c>: a decision with its trace.</summary>
internal static class PolicyExplainCommand
{
    public static Command Create(Terminal terminal)
    {
        var file = new Argument<string>("FILE") { Description = "The policy document (JSON file, or 'standard' for the built-in policy)." };
        var requestFile = new Argument<string>("REQUEST") { Description = "The request (YAML or JSON), written as a test case's request." };
        var factsFile = new Argument<string?>("FACTS") { Description = "The facts and clock (YAML or JSON), written as in a test suite; none when omitted.", Arity = ArgumentArity.ZeroOrOne };
        var json = PolicyCommands.JsonOption();
        var command = new Command("explain", """
            Decides one request through the real enforcer and explains it: each rule and ground considered, in the order
            the enforcer considers them, whether it was in scope and whether the decision rests on it; then each
            requested category, why it was permitted, withheld or exempt. Without FACTS the subject has accepted
            nothing and consented to nothing, and the clock is now. Exit code 0 (the decision is the output, even a
            Deny), 2 when a file is missing or malformed.

            Example: privacy policy explain policies/standard.json request.yaml facts.yaml
            """) { file, requestFile, factsFile, json };
        command.SetAction(async (parse, token) =>
        {
            var policy = PolicyFiles.Load(parse.GetRequiredValue(file));
            var reader = new DecisionSuiteReader(policy);
            var (clock, facts) = parse.GetValue(factsFile) is { } path ? reader.ReadFacts(path) : (TimeProvider.System.GetUtcNow(), []);
            var request = reader.ReadRequest(parse.GetRequiredValue(requestFile));
            var environment = SuiteEnvironment.Create(policy, clock);
            await using (environment.ConfigureAwait(false))
            {
                await environment.ApplyAsync(facts, clock, token).ConfigureAwait(false);
                var explainer = environment.Services.GetRequiredService<IPolicyExplainer>();
                var explanation = await explainer.ExplainAsync(request(environment.Ids), token).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    JsonOutput.Write(terminal.Out, ToJson(explanation));
                }
                else
                {
                    Write(terminal, explanation);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Write(Terminal terminal, DecisionExplanation explanation)
    {
        var decision = explanation.Decision;
        var outcome = decision.Outcome switch
        {
            DecisionOutcome.Permit => terminal.Green("Permit"),
            DecisionOutcome.Deny => terminal.Red("Deny"),
            _ => terminal.Yellow(decision.Outcome.ToString()),
        };
        var output = terminal.Out;
        output.WriteLine($"decision: {outcome} under {decision.PolicyVersion}");
        output.WriteLine($"  clauses     {DecisionSuiteRunner.Show(decision.Clauses)}");
        output.WriteLine($"  permitted   {DecisionSuiteRunner.Show(decision.PermittedCategories.Select(c => c.Value))}");
        output.WriteLine($"  withheld    {DecisionSuiteRunner.Show(decision.WithheldCategories.Select(c => c.Value))}");
        output.WriteLine($"  reasons     {DecisionSuiteRunner.Show(decision.Reasons.Select(r => r.Reason.ToString()))}");
        output.WriteLine($"  obligations {DecisionSuiteRunner.Show(decision.Obligations.Select(o => o.ToString()))}");
        output.WriteLine();
        var table = new TextTable("#", "CONSIDERED", "CLAUSE", "VERDICT", "WHY", "CATEGORIES");
        foreach (var step in explanation.Steps)
        {
            var verdict = step.Verdict switch
            {
                TraceVerdict.Applied or TraceVerdict.Permitted => terminal.Green(step.Verdict.ToString()),
                TraceVerdict.Decided or TraceVerdict.Withheld => terminal.Red(step.Verdict.ToString()),
                _ => step.Verdict.ToString(),
            };
            table.Add(step.Order.ToString(System.Globalization.CultureInfo.InvariantCulture), step.Subject, step.Clause ?? "-", verdict, step.Why, string.Join(",", step.Categories));
        }

        table.WriteTo(output, terminal);
    }

    private static JsonObject ToJson(DecisionExplanation explanation) => new()
    {
        ["outcome"] = explanation.Decision.Outcome.ToString(),
        ["policy"] = explanation.Decision.PolicyVersion?.ToString(),
        ["clauses"] = JsonOutput.Array(explanation.Decision.Clauses),
        ["permitted"] = JsonOutput.Array(explanation.Decision.PermittedCategories.Select(c => c.Value)),
        ["withheld"] = JsonOutput.Array(explanation.Decision.WithheldCategories.Select(c => c.Value)),
        ["reasons"] = JsonOutput.Array(explanation.Decision.Reasons.Select(r => r.Reason.ToString())),
        ["obligations"] = JsonOutput.Array(explanation.Decision.Obligations.Select(o => o.Kind.ToString())),
        ["trace"] = new JsonArray([.. explanation.Steps.Select(s => (JsonNode)new JsonObject
        {
            ["order"] = s.Order,
            ["considered"] = s.Subject,
            ["clause"] = s.Clause,
            ["verdict"] = s.Verdict.ToString(),
            ["why"] = s.Why,
            ["categories"] = JsonOutput.Array(s.Categories),
        })]),
    };
}
