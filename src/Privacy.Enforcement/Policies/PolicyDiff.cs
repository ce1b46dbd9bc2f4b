using System.Globalization;

namespace Privacy.Enforcement.Policies;

/// <summary>A part of a policy document a change belongs to.</summary>
public enum PolicySection
{
    /// <summary>An enforceable sentence.</summary>
    Clause = 0,

    /// <summary>A data category of the taxonomy.</summary>
    Category = 1,

    /// <summary>A purpose of processing.</summary>
    Purpose = 2,

    /// <summary>A declared recipient.</summary>
    Recipient = 3,

    /// <summary>A service of the application.</summary>
    Service = 4,

    /// <summary>A disclosure ground.</summary>
    Ground = 5,

    /// <summary>A rule.</summary>
    Rule = 6,
}

/// <summary>How an entry of a policy changed between two versions.</summary>
public enum PolicyChangeKind
{
    /// <summary>The newer version adds the entry.</summary>
    Added = 0,

    /// <summary>The newer version removes the entry.</summary>
    Removed = 1,

    /// <summary>The newer version keeps the entry but changes some of its fields.</summary>
    Changed = 2,
}

/// <summary>One field of a policy entry, before and after (display text; lists are sorted and comma-separated).</summary>
/// <param name="Field">The field name (<c>Description</c>, <c>Kind</c>, <c>NecessaryCategories</c>...).</param>
/// <param name="Before">The older value, or <see langword="null"/> when absent.</param>
/// <param name="After">The newer value, or <see langword="null"/> when absent.</param>
public sealed record PolicyFieldChange(string Field, string? Before, string? After);

/// <summary>One added, removed or changed entry of a policy.</summary>
/// <param name="Section">The part of the policy.</param>
/// <param name="Id">The entry's id (for grounds the ground, for rules <c>clause/kind</c>).</param>
/// <param name="Kind">Added, removed or changed.</param>
/// <param name="Fields">The fields that differ; for added and removed entries every field that has a value.</param>
public sealed record PolicyChange(PolicySection Section, string Id, PolicyChangeKind Kind, IReadOnlyList<PolicyFieldChange> Fields);

/// <summary>
/// The semantic difference between two policy versions (<c>changes.notice</c>): purposes, categories, recipients,
/// services, grounds, rules and clauses added, removed or changed. It is plain data a host can show its users.
/// </summary>
public sealed record PolicyDiff
{
    /// <summary>Gets the policy id.</summary>
    public required string PolicyId { get; init; }

    /// <summary>Gets the older version.</summary>
    public required string FromVersion { get; init; }

    /// <summary>Gets the newer version.</summary>
    public required string ToVersion { get; init; }

    /// <summary>Gets the changes, ordered by section and id.</summary>
    public required IReadOnlyList<PolicyChange> Changes { get; init; }

    /// <summary>Gets a value indicating whether the versions mean the same.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>Finds the change of one entry.</summary>
    /// <param name="section">The part of the policy.</param>
    /// <param name="id">The entry's id.</param>
    /// <returns>The change, or <see langword="null"/> when the entry did not change.</returns>
    public PolicyChange? Find(PolicySection section, string id) =>
        Changes.FirstOrDefault(c => c.Section == section && string.Equals(c.Id, id, StringComparison.Ordinal));

    /// <summary>Computes the difference between two versions of a policy.</summary>
    /// <param name="from">The older document.</param>
    /// <param name="to">The newer document.</param>
    /// <returns>The difference.</returns>
    public static PolicyDiff Compute(PolicyDocument from, PolicyDocument to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var changes = new List<PolicyChange>();
        Section(changes, PolicySection.Clause, from.Clauses, to.Clauses, c => c.Id, c =>
        [
            ("Text", c.Text),
            ("Rule", c.Rule),
        ]);
        Section(changes, PolicySection.Category, from.Categories, to.Categories, c => c.Id, c =>
        [
            ("Parent", c.Parent),
            ("Flags", c.Flags.ToString()),
            ("ExemptionClause", c.ExemptionClause),
            ("Description", c.Description),
        ]);
        Section(changes, PolicySection.Purpose, from.Purposes, to.Purposes, p => p.Id, p =>
        [
            ("Basis", p.Basis.ToString()),
            ("Objectable", p.Objectable ? "true" : "false"),
            ("Clause", p.Clause),
            ("Description", p.Description),
            ("DataUses", p.DataUses is null ? null : List(p.DataUses)),
        ]);
        Section(changes, PolicySection.Recipient, from.Recipients, to.Recipients, r => r.Id, r =>
        [
            ("Kind", r.Kind.ToString()),
            ("Name", r.Name),
        ]);
        Section(changes, PolicySection.Service, from.Services, to.Services, s => s.Id, s =>
        [
            ("NecessaryCategories", List(s.NecessaryCategories)),
            ("Providers", List(s.Providers)),
            ("Description", s.Description),
        ]);
        Section(changes, PolicySection.Ground, from.Grounds, to.Grounds, g => g.Ground.ToString(), g =>
        [
            ("Clause", g.Clause),
            ("RecipientKinds", List(g.RecipientKinds)),
            ("RequiredEvidence", List(g.RequiredEvidence)),
            ("CategoryLimit", g.CategoryLimit.ToString()),
            ("LimitFlags", g.LimitFlags.ToString()),
            ("Obligations", List(g.Obligations)),
        ]);
        Section(changes, PolicySection.Rule, from.Rules, to.Rules, r => $"{r.Clause}/{r.Kind}", r =>
        [
            ("Purposes", List(r.Purposes)),
            ("Categories", List(r.Categories)),
            ("CategoryFlags", r.CategoryFlags.ToString()),
            ("RecipientKinds", List(r.RecipientKinds)),
            ("TransferKinds", List(r.TransferKinds)),
            ("Acts", List(r.Acts)),
            ("Note", r.Note),
        ]);

        changes.Sort((a, b) => a.Section != b.Section ? a.Section.CompareTo(b.Section) : string.CompareOrdinal(a.Id, b.Id));
        return new PolicyDiff { PolicyId = to.Id, FromVersion = from.Version, ToVersion = to.Version, Changes = changes };
    }

    private static void Section<T>(
        List<PolicyChange> changes,
        PolicySection section,
        IReadOnlyList<T>? before,
        IReadOnlyList<T>? after,
        Func<T, string> key,
        Func<T, (string Field, string? Value)[]> fields)
    {
        var older = Keyed(before ?? [], key);
        var newer = Keyed(after ?? [], key);
        foreach (var (id, entry) in newer)
        {
            if (!older.TryGetValue(id, out var previous))
            {
                changes.Add(new PolicyChange(section, id, PolicyChangeKind.Added, [.. fields(entry).Where(f => f.Value is not null).Select(f => new PolicyFieldChange(f.Field, null, f.Value))]));
                continue;
            }

            var was = fields(previous);
            var now = fields(entry);
            var differing = new List<PolicyFieldChange>();
            for (var i = 0; i < now.Length; i++)
            {
                if (!string.Equals(was[i].Value, now[i].Value, StringComparison.Ordinal))
                {
                    differing.Add(new PolicyFieldChange(now[i].Field, was[i].Value, now[i].Value));
                }
            }

            if (differing.Count > 0)
            {
                changes.Add(new PolicyChange(section, id, PolicyChangeKind.Changed, differing));
            }
        }

        foreach (var (id, entry) in older)
        {
            if (!newer.ContainsKey(id))
            {
                changes.Add(new PolicyChange(section, id, PolicyChangeKind.Removed, [.. fields(entry).Where(f => f.Value is not null).Select(f => new PolicyFieldChange(f.Field, f.Value, null))]));
            }
        }
    }

    /// <summary>Keys entries by id; entries sharing an id (rules citing the same clause) are told apart by occurrence.</summary>
    private static Dictionary<string, T> Keyed<T>(IReadOnlyList<T> entries, Func<T, string> key)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry is null)
            {
                continue;
            }

            var id = key(entry);
            var unique = id;
            for (var n = 2; result.ContainsKey(unique); n++)
            {
                unique = string.Create(CultureInfo.InvariantCulture, $"{id}#{n}");
            }

            result[unique] = entry;
        }

        return result;
    }

    // Lists are compared as sets: reordering a list is not a change of meaning.
    private static string? List<T>(IReadOnlyList<T>? items) =>
        items is null || items.Count == 0 ? null : string.Join(", ", items.Select(i => i!.ToString()).Order(StringComparer.Ordinal));
}
