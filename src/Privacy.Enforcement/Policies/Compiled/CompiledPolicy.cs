using System.Collections.Frozen;

namespace Privacy.Enforcement.Policies;

/// <summary>
/// A published policy version compiled into the immutable, integer-indexed form the decision engine reads: every
/// category, purpose, recipient, service and clause has an index, categories carry their inherited flags and the masks
/// of the categories within them, and rules are grouped by kind. Strings are looked up only at the API edge.
/// Create one with <see cref="PolicyCompiler.Compile(PublishedPolicy)"/>.
/// </summary>
public sealed class CompiledPolicy
{
    internal const int MaxPurposes = 64;

    internal CompiledPolicy(PublishedPolicy source)
    {
        Source = source;
    }

    /// <summary>Gets the published policy this was compiled from.</summary>
    public PublishedPolicy Source { get; }

    /// <summary>Gets the version every decision made under this policy names (<c>changes.replace</c>).</summary>
    public PolicyVersion Version => Source.Version;

    /// <summary>Gets the categories of the taxonomy in index order.</summary>
    public IReadOnlyList<DataCategory> Categories => CategoryList;

    /// <summary>Gets the clause ids in index order.</summary>
    public IReadOnlyList<string> Clauses => ClauseNames;

    // Categories.
    internal FrozenDictionary<string, int> CategoryIndex { get; init; } = FrozenDictionary<string, int>.Empty;

    internal DataCategory[] CategoryList { get; init; } = [];

    internal DataCategoryFlags[] CategoryFlags { get; init; } = [];

    /// <summary>For each category, the mask of itself and every category within it (a consent to a parent covers its children).</summary>
    internal Bits128[] Within { get; init; } = [];

    /// <summary>For each category, the clause that exempts it, or -1.</summary>
    internal int[] ExemptionClause { get; init; } = [];

    internal Bits128 ExemptMask { get; init; }

    internal Bits128 AllCategories { get; init; }

    // Purposes.
    internal FrozenDictionary<string, int> PurposeIndex { get; init; } = FrozenDictionary<string, int>.Empty;

    internal PurposeId[] PurposeList { get; init; } = [];

    internal PurposeBasis[] PurposeBases { get; init; } = [];

    internal bool[] PurposeObjectable { get; init; } = [];

    // Recipients.
    internal FrozenDictionary<string, int> RecipientIndex { get; init; } = FrozenDictionary<string, int>.Empty;

    internal RecipientKind[] RecipientKinds { get; init; } = [];

    // Services.
    internal FrozenDictionary<string, int> ServiceIndex { get; init; } = FrozenDictionary<string, int>.Empty;

    internal Bits128[] ServiceNecessary { get; init; } = [];

    internal FrozenSet<string>[] ServiceProviders { get; init; } = [];

    // Clauses.
    internal FrozenDictionary<string, int> ClauseIndex { get; init; } = FrozenDictionary<string, int>.Empty;

    internal string[] ClauseNames { get; init; } = [];

    /// <summary>The index of <c>store.security</c> (deny by default), always present.</summary>
    internal int DenyByDefaultClause { get; init; }

    // Rules and grounds.
    internal CompiledRule[][] RulesByKind { get; init; } = [];

    internal CompiledGround?[] Grounds { get; init; } = [];

    internal ReadOnlySpan<CompiledRule> Rules(RuleKind kind) => RulesByKind[(int)kind];

    internal bool HasRule(RuleKind kind) => RulesByKind[(int)kind].Length != 0;

    internal int ClauseOf(RuleKind kind) => RulesByKind[(int)kind] is { Length: > 0 } rules ? rules[0].Clause : -1;

    internal int FindClause(string clause) => ClauseIndex.TryGetValue(clause, out var index) ? index : -1;

    /// <summary>Returns the mask of the categories carrying any of <paramref name="flags"/>.</summary>
    internal Bits128 WithFlags(DataCategoryFlags flags)
    {
        var mask = Bits128.Empty;
        if (flags == DataCategoryFlags.None)
        {
            return mask;
        }

        for (var i = 0; i < CategoryFlags.Length; i++)
        {
            if ((CategoryFlags[i] & flags) != 0)
            {
                mask = mask.With(i);
            }
        }

        return mask;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Version} ({CategoryList.Length} categories, {PurposeList.Length} purposes, {ClauseNames.Length} clauses)";
}

/// <summary>A rule of a compiled policy: its clause and the masks it applies to.</summary>
internal sealed class CompiledRule
{
    public required RuleKind Kind { get; init; }

    public required int Clause { get; init; }

    /// <summary>The purposes the rule applies to; 0 for all.</summary>
    public ulong Purposes { get; init; }

    /// <summary>The categories the rule applies to (explicit categories with those within them, plus flagged ones).</summary>
    public Bits128 Categories { get; init; }

    /// <summary>Whether the rule names neither categories nor flags (applies to every category).</summary>
    public bool AllCategories { get; init; }

    /// <summary>The recipient kinds (bit per kind); 0 for all.</summary>
    public int RecipientKinds { get; init; }

    /// <summary>The transfer kinds (bit per kind); 0 for all.</summary>
    public int TransferKinds { get; init; }

    /// <summary>The acts (bit per act); 0 when the rule names none (the engine applies the kind's default).</summary>
    public int Acts { get; init; }

    public bool AppliesToPurpose(int purpose) => Purposes == 0 || (Purposes & (1UL << purpose)) != 0;

    public bool AppliesToRecipient(RecipientKind kind) => RecipientKinds == 0 || (RecipientKinds & (1 << (int)kind)) != 0;

    public bool AppliesToTransfer(TransferKind kind) => TransferKinds == 0 || (TransferKinds & (1 << (int)kind)) != 0;

    public bool AppliesToAct(ProcessingAct act, int defaultActs) => ((Acts == 0 ? defaultActs : Acts) & (1 << (int)act)) != 0;

    public Bits128 Select(Bits128 categories) => AllCategories ? categories : categories & Categories;
}

/// <summary>A disclosure ground of a compiled policy.</summary>
internal sealed class CompiledGround
{
    public required DisclosureGround Ground { get; init; }

    public required int Clause { get; init; }

    /// <summary>The recipient kinds (bit per kind); 0 for all.</summary>
    public int RecipientKinds { get; init; }

    public string[] RequiredEvidence { get; init; } = [];

    public CategoryLimitSource CategoryLimit { get; init; }

    /// <summary>The categories carrying the ground's limit flags.</summary>
    public Bits128 LimitMask { get; init; }

    public ObligationFlags Obligations { get; init; }

    public bool AllowsRecipient(RecipientKind kind) => RecipientKinds == 0 || (RecipientKinds & (1 << (int)kind)) != 0;
}
