namespace Privacy.Enforcement.Sample;

/// <summary>What the table shows of one decision, taken from the library's decision.</summary>
/// <param name="Outcome">Permit, Deny or NotApplicable.</param>
/// <param name="Permitted">The categories released.</param>
/// <param name="Withheld">The categories withheld.</param>
/// <param name="Clauses">The clause ids behind the decision.</param>
/// <param name="Reasons">The reasons for what was denied or withheld, each starting with the reason's name.</param>
/// <param name="Obligations">What the host must carry out.</param>
public sealed record DecisionRow(
    string Outcome,
    IReadOnlyList<string> Permitted,
    IReadOnlyList<string> Withheld,
    IReadOnlyList<string> Clauses,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Obligations);

/// <summary>
/// Prints the story: each decision as a small table (request, outcome, permitted and withheld categories, clause
/// ids, reasons, obligations), and after every step a check line saying whether it came out as the policy requires.
/// The sample exits non-zero when any check failed, so it doubles as an end-to-end test.
/// </summary>
public sealed class StoryLog
{
    private const int ValueWidth = 72;
    private readonly TextWriter _output;
    private readonly List<string> _failures = [];
    private int _section;
    private int _step;

    /// <summary>Creates the log.</summary>
    /// <param name="output">Where the story is printed.</param>
    public StoryLog(TextWriter output) => _output = output;

    /// <summary>Gets the number of steps checked.</summary>
    public int Steps { get; private set; }

    /// <summary>Gets the checks that failed.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Starts a section of the story.</summary>
    /// <param name="title">What the section shows.</param>
    public void Section(string title)
    {
        _section++;
        _step = 0;
        _output.WriteLine();
        _output.WriteLine($"== {_section}. {title}");
    }

    /// <summary>Prints a line of narration.</summary>
    /// <param name="text">The text.</param>
    public void Say(string text) => _output.WriteLine("   " + text);

    /// <summary>Prints a table (an export, an erasure's steps).</summary>
    /// <param name="table">The table.</param>
    public void Table(TextTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.WriteTo(_output);
    }

    /// <summary>Prints a decision and checks its outcome (and, when given, a reason it must give and a clause it must cite).</summary>
    /// <param name="request">What was asked, in words.</param>
    /// <param name="decision">What the library decided.</param>
    /// <param name="expected">The outcome the policy requires.</param>
    /// <param name="expectedReason">A reason the decision must give, if any.</param>
    /// <param name="expectedClause">A clause id the decision must cite, if any.</param>
    public void Decision(string request, DecisionRow decision, string expected, string? expectedReason = null, string? expectedClause = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var id = NextStepId();
        var table = new TextTable(ValueWidth, id, request) { RuleBetweenRows = false, FixedWidth = true };
        table.AddRow("outcome", decision.Outcome);
        table.AddRow("permitted", Lines(decision.Permitted));
        table.AddRow("withheld", Lines(decision.Withheld));
        table.AddRow("clause ids", Lines(decision.Clauses));
        table.AddRow("reasons", Lines(decision.Reasons));
        table.AddRow("obligations", Lines(decision.Obligations));
        table.WriteTo(_output);

        var ok = decision.Outcome == expected
            && (expectedReason is null || decision.Reasons.Any(r => r == expectedReason || r.StartsWith(expectedReason + " ", StringComparison.Ordinal)))
            && (expectedClause is null || decision.Clauses.Contains(expectedClause));
        var wanted = expected + (expectedReason is null ? string.Empty : $" ({expectedReason})") + (expectedClause is null ? string.Empty : $" [{expectedClause}]");
        Record(id, ok, $"{request}: expected {wanted}, got {decision.Outcome}");
    }

    /// <summary>Records a step that is not a decision (a service call, an export) and checks it.</summary>
    /// <param name="what">What was done and what came of it.</param>
    /// <param name="ok">Whether it came out as the policy requires.</param>
    public void Check(string what, bool ok) => Record(NextStepId(), ok, what);

    private string NextStepId() => $"{_section}.{++_step}";

    private void Record(string id, bool ok, string text)
    {
        Steps++;
        var line = $"   [{(ok ? "ok" : "FAIL")}] {id} {text}";
        _output.WriteLine(line);
        if (!ok)
        {
            _failures.Add(line.Trim());
        }
    }

    private static string Lines(IReadOnlyList<string> items) => items.Count == 0 ? "-" : string.Join('\n', items);
}
