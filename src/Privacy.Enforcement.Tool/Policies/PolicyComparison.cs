using System.Text.Json.Nodes;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Tool.Output;

namespace Privacy.Enforcement.Tool.Policies;

/// <summary>How one entry changed, in the words a policy author uses.</summary>
internal enum ChangeVerdict
{
    Added,
    Removed,
    Narrowed,
    Widened,
    Changed,
}

/// <summary>One changed entry: the library's <see cref="PolicyChange"/> with a verdict.</summary>
internal sealed record ComparedChange(PolicyChange Change, ChangeVerdict Verdict);

/// <summary>The kinds of consent a change makes need renewal, and why.</summary>
internal sealed record Renewal(string Consents, string Cause);

/// <summary>
/// <see cref="PolicyDiff"/> read for a policy author: list fields (purposes, categories, recipient kinds, acts, evidence,
/// obligations) compare as sets, so a change that only removes entries is "narrowed" and one that only adds is
/// "widened". Renewal follows the library's reading of <c>changes.notice</c>: a consent needs renewal when its purpose
/// is removed or re-described (description or basis), a category it covers (or one within or enclosing it) is added,
/// removed or changed, or its recipient (or a recipient of the kind it names) is added, removed or changed.
/// </summary>
internal sealed class PolicyComparison
{
    // The fields PolicyDiff renders as sorted, comma-separated lists.
    private static readonly HashSet<string> ListFields = new(StringComparer.Ordinal)
    {
        "NecessaryCategories", "Providers", "RecipientKinds", "RequiredEvidence", "Obligations", "Purposes", "Categories", "TransferKinds", "Acts",
    };

    private PolicyComparison(PolicyDiff diff, IReadOnlyList<ComparedChange> changes, IReadOnlyList<Renewal> renewals)
    {
        Diff = diff;
        Changes = changes;
        Renewals = renewals;
    }

    public PolicyDiff Diff { get; }

    public IReadOnlyList<ComparedChange> Changes { get; }

    public IReadOnlyList<Renewal> Renewals { get; }

    public static PolicyComparison Compare(PolicyDocument from, PolicyDocument to)
    {
        var diff = PolicyDiff.Compute(from, to);
        var changes = diff.Changes.Select(c => new ComparedChange(c, Verdict(c))).ToList();
        var renewals = new List<Renewal>();
        foreach (var change in diff.Changes)
        {
            var what = $"{change.Section.ToString().ToLowerInvariant()} '{change.Id}' {change.Kind.ToString().ToLowerInvariant()}";
            switch (change.Section)
            {
                case PolicySection.Purpose when change.Kind != PolicyChangeKind.Changed || change.Fields.Any(f => f.Field is "Description" or "Basis"):
                    renewals.Add(new Renewal($"consents for purpose '{change.Id}'", what));
                    break;
                case PolicySection.Category:
                    renewals.Add(new Renewal($"consents covering category '{change.Id}', a category within it or one enclosing it", what));
                    break;
                case PolicySection.Recipient:
                    if (change.Kind != PolicyChangeKind.Added)
                    {
                        renewals.Add(new Renewal($"consents naming recipient '{change.Id}'", what));
                    }

                    foreach (var kind in new[] { KindOf(from, change.Id), KindOf(to, change.Id) }.OfType<RecipientKind>().Distinct())
                    {
                        renewals.Add(new Renewal($"consents to every recipient of kind {kind}", what));
                    }

                    break;
            }
        }

        return new PolicyComparison(diff, changes, renewals);
    }

    public void WriteTo(Terminal terminal)
    {
        var output = terminal.Out;
        output.WriteLine($"policy {Diff.PolicyId}: {Diff.FromVersion} -> {Diff.ToVersion}: {Changes.Count} change{(Changes.Count == 1 ? string.Empty : "s")}");
        if (Changes.Count > 0)
        {
            output.WriteLine();
            var table = new TextTable("SECTION", "ID", "CHANGE", "FIELD", "BEFORE", "AFTER");
            foreach (var (change, verdict) in Changes)
            {
                var label = verdict switch
                {
                    ChangeVerdict.Added or ChangeVerdict.Widened => terminal.Yellow(Label(verdict)),
                    ChangeVerdict.Removed or ChangeVerdict.Narrowed => terminal.Green(Label(verdict)),
                    _ => Label(verdict),
                };
                var first = true;
                foreach (var field in change.Fields.DefaultIfEmpty(new PolicyFieldChange(string.Empty, null, null)))
                {
                    table.Add(
                        first ? change.Section.ToString().ToLowerInvariant() : string.Empty,
                        first ? change.Id : string.Empty,
                        first ? label : string.Empty,
                        field.Field,
                        field.Before ?? "-",
                        field.After ?? "-");
                    first = false;
                }
            }

            table.WriteTo(output, terminal);
        }

        output.WriteLine();
        if (Renewals.Count == 0)
        {
            output.WriteLine($"{terminal.Green("no consent needs renewal")}");
            return;
        }

        output.WriteLine($"{terminal.Red("consents that need renewal")} (subjects must consent again under {Diff.ToVersion}):");
        var renewals = new TextTable("CONSENTS", "BECAUSE");
        foreach (var renewal in Renewals)
        {
            renewals.Add(renewal.Consents, renewal.Cause);
        }

        renewals.WriteTo(output, terminal);
    }

    public JsonObject ToJson() => new()
    {
        ["policy"] = Diff.PolicyId,
        ["from"] = Diff.FromVersion,
        ["to"] = Diff.ToVersion,
        ["changes"] = new JsonArray([.. Changes.Select(c => (JsonNode)new JsonObject
        {
            ["section"] = c.Change.Section.ToString().ToLowerInvariant(),
            ["id"] = c.Change.Id,
            ["change"] = Label(c.Verdict),
            ["fields"] = new JsonArray([.. c.Change.Fields.Select(f => (JsonNode)new JsonObject { ["field"] = f.Field, ["before"] = f.Before, ["after"] = f.After })]),
        })]),
        ["renewals"] = new JsonArray([.. Renewals.Select(r => (JsonNode)new JsonObject { ["consents"] = r.Consents, ["because"] = r.Cause })]),
    };

    private static string Label(ChangeVerdict verdict) => verdict.ToString().ToLowerInvariant();

    private static ChangeVerdict Verdict(PolicyChange change)
    {
        if (change.Kind == PolicyChangeKind.Added)
        {
            return ChangeVerdict.Added;
        }

        if (change.Kind == PolicyChangeKind.Removed)
        {
            return ChangeVerdict.Removed;
        }

        // Narrowed or widened only when every changed field is a list that lost (or gained) entries and nothing else.
        var narrower = true;
        var wider = true;
        foreach (var field in change.Fields)
        {
            if (!ListFields.Contains(field.Field))
            {
                return ChangeVerdict.Changed;
            }

            // An empty list on a rule or ground means "any": becoming or ceasing to be empty is no plain narrowing.
            if (field.Before is null || field.After is null)
            {
                return ChangeVerdict.Changed;
            }

            var before = Items(field.Before);
            var after = Items(field.After);
            narrower &= after.IsSubsetOf(before);
            wider &= after.IsSupersetOf(before);
        }

        return narrower ? ChangeVerdict.Narrowed : wider ? ChangeVerdict.Widened : ChangeVerdict.Changed;
    }

    private static HashSet<string> Items(string? list) =>
        new(list is null ? [] : list.Split(", ", StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    private static RecipientKind? KindOf(PolicyDocument document, string id) =>
        document.Recipients?.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.Ordinal))?.Kind;
}
