using System.Collections.Frozen;
using System.Globalization;

namespace Privacy.Enforcement.Policies;

/// <summary>Compiles a published policy version once into the immutable form the decision engine reads.</summary>
public static class PolicyCompiler
{
    /// <summary>Compiles <paramref name="policy"/>.</summary>
    /// <param name="policy">The published, validated policy.</param>
    /// <returns>The compiled policy.</returns>
    /// <exception cref="InvalidOperationException">The document refers to something it does not declare, or exceeds what the engine indexes (128 categories, 64 purposes, 128 clauses).</exception>
    public static CompiledPolicy Compile(PublishedPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var document = policy.Document;
        var name = policy.Version.ToString();

        // Clause table: declared clauses first, then any clause a rule, ground, purpose or category cites, then store.security.
        var clauses = new List<string>();
        var clauseIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        int Clause(string id)
        {
            if (!clauseIndex.TryGetValue(id, out var index))
            {
                index = clauses.Count;
                clauseIndex.Add(id, index);
                clauses.Add(id);
            }

            return index;
        }

        foreach (var clause in document.Clauses)
        {
            Clause(clause.Id);
        }

        var denyByDefault = Clause(ClauseIds.StoreSecurity);

        // Categories: index, parent, inherited flags and exemption clause, masks of what lies within.
        var definitions = document.Categories;
        if (definitions.Count > Bits128.Capacity)
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture, "Policy '{0}' declares {1} data categories; the decision engine indexes at most {2}.", name, definitions.Count, Bits128.Capacity));
        }

        var categoryIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var categoryList = new DataCategory[definitions.Count];
        for (var i = 0; i < definitions.Count; i++)
        {
            if (!categoryIndex.TryAdd(definitions[i].Id, i))
            {
                throw new InvalidOperationException($"Policy '{name}' declares data category '{definitions[i].Id}' twice.");
            }

            categoryList[i] = new DataCategory(definitions[i].Id);
        }

        var parents = new int[definitions.Count];
        for (var i = 0; i < definitions.Count; i++)
        {
            parents[i] = -1;
            var parent = definitions[i].Parent ?? DottedParent(definitions[i].Id, categoryIndex);
            if (parent is not null)
            {
                parents[i] = categoryIndex.TryGetValue(parent, out var p)
                    ? p
                    : throw new InvalidOperationException($"Data category '{definitions[i].Id}' of policy '{name}' names parent '{parent}', which the policy does not declare.");
            }
        }

        var flags = new DataCategoryFlags[definitions.Count];
        var exemption = new int[definitions.Count];
        var within = new Bits128[definitions.Count];
        var all = Bits128.Empty;
        for (var i = 0; i < definitions.Count; i++)
        {
            all = all.With(i);
            exemption[i] = -1;
            var depth = 0;
            for (var a = i; a >= 0; a = parents[a])
            {
                if (++depth > definitions.Count)
                {
                    throw new InvalidOperationException($"Data category '{definitions[i].Id}' of policy '{name}' is its own ancestor.");
                }

                flags[i] |= definitions[a].Flags;
                within[a] = within[a].With(i);
                if (exemption[i] < 0 && definitions[a].ExemptionClause is { } exemptClause)
                {
                    exemption[i] = Clause(exemptClause);
                }
            }
        }

        // Purposes.
        var purposes = document.Purposes;
        if (purposes.Count > CompiledPolicy.MaxPurposes)
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture, "Policy '{0}' declares {1} purposes; the decision engine indexes at most {2}.", name, purposes.Count, CompiledPolicy.MaxPurposes));
        }

        var purposeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < purposes.Count; i++)
        {
            if (!purposeIndex.TryAdd(purposes[i].Id, i))
            {
                throw new InvalidOperationException($"Policy '{name}' declares purpose '{purposes[i].Id}' twice.");
            }

            if (purposes[i].Clause is { } purposeClause)
            {
                Clause(purposeClause);
            }
        }

        // Recipients and services.
        var recipientIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < document.Recipients.Count; i++)
        {
            if (!recipientIndex.TryAdd(document.Recipients[i].Id, i))
            {
                throw new InvalidOperationException($"Policy '{name}' declares recipient '{document.Recipients[i].Id}' twice.");
            }
        }

        var serviceIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var serviceNecessary = new Bits128[document.Services.Count];
        var serviceProviders = new FrozenSet<string>[document.Services.Count];
        for (var i = 0; i < document.Services.Count; i++)
        {
            var service = document.Services[i];
            if (!serviceIndex.TryAdd(service.Id, i))
            {
                throw new InvalidOperationException($"Policy '{name}' declares service '{service.Id}' twice.");
            }

            serviceNecessary[i] = Mask(service.NecessaryCategories, $"service '{service.Id}'");
            serviceProviders[i] = service.Providers.ToFrozenSet(StringComparer.Ordinal);
        }

        Bits128 Mask(IEnumerable<string> categories, string owner)
        {
            var mask = Bits128.Empty;
            foreach (var category in categories)
            {
                mask |= categoryIndex.TryGetValue(category, out var c)
                    ? within[c]
                    : throw new InvalidOperationException($"The {owner} of policy '{name}' names data category '{category}', which the policy does not declare.");
            }

            return mask;
        }

        Bits128 FlagMask(DataCategoryFlags wanted)
        {
            var mask = Bits128.Empty;
            for (var i = 0; wanted != DataCategoryFlags.None && i < flags.Length; i++)
            {
                if ((flags[i] & wanted) != 0)
                {
                    mask = mask.With(i);
                }
            }

            return mask;
        }

        // Rules, grouped by kind.
        var kinds = Enum.GetValues<RuleKind>();
        var byKind = new List<CompiledRule>[kinds.Max(k => (int)k) + 1];
        for (var i = 0; i < byKind.Length; i++)
        {
            byKind[i] = [];
        }

        var exemptMask = FlagMask(DataCategoryFlags.Exempt);
        foreach (var rule in document.Rules)
        {
            var owner = $"rule '{rule.Kind}' citing '{rule.Clause}'";
            ulong purposeMask = 0;
            foreach (var purpose in rule.Purposes)
            {
                purposeMask |= purposeIndex.TryGetValue(purpose, out var p)
                    ? 1UL << p
                    : throw new InvalidOperationException($"The {owner} of policy '{name}' names purpose '{purpose}', which the policy does not declare.");
            }

            var compiled = new CompiledRule
            {
                Kind = rule.Kind,
                Clause = Clause(rule.Clause),
                Purposes = purposeMask,
                Categories = Mask(rule.Categories, owner) | FlagMask(rule.CategoryFlags),
                AllCategories = rule.Categories.Count == 0 && rule.CategoryFlags == DataCategoryFlags.None,
                RecipientKinds = Bits(rule.RecipientKinds.Select(k => (int)k)),
                TransferKinds = Bits(rule.TransferKinds.Select(k => (int)k)),
                Acts = Bits(rule.Acts.Select(a => (int)a)),
            };
            byKind[(int)rule.Kind].Add(compiled);

            // collect.exempt.*: a rule naming exempt categories exempts them, citing its clause.
            if (rule.Kind == RuleKind.ExemptCategories && !compiled.AllCategories)
            {
                exemptMask |= compiled.Categories;
                for (var c = compiled.Categories.First(); c >= 0; c = compiled.Categories.Next(c))
                {
                    if (exemption[c] < 0)
                    {
                        exemption[c] = compiled.Clause;
                    }
                }
            }
        }

        for (var c = exemptMask.First(); c >= 0; c = exemptMask.Next(c))
        {
            if (exemption[c] < 0)
            {
                exemption[c] = byKind[(int)RuleKind.ExemptCategories] is { Count: > 0 } exemptRules ? exemptRules[0].Clause : denyByDefault;
            }
        }

        // Grounds, indexed by the ground's number.
        var grounds = new CompiledGround?[Enum.GetValues<DisclosureGround>().Max(g => (int)g) + 1];
        foreach (var ground in document.Grounds)
        {
            if ((int)ground.Ground <= 0 || (int)ground.Ground >= grounds.Length)
            {
                throw new InvalidOperationException($"Policy '{name}' declares an unknown disclosure ground '{ground.Ground}'.");
            }

            grounds[(int)ground.Ground] = new CompiledGround
            {
                Ground = ground.Ground,
                Clause = Clause(ground.Clause),
                RecipientKinds = Bits(ground.RecipientKinds.Select(k => (int)k)),
                RequiredEvidence = [.. ground.RequiredEvidence],
                CategoryLimit = ground.CategoryLimit,
                LimitMask = FlagMask(ground.LimitFlags),
                Obligations = ground.Obligations.Aggregate(ObligationFlags.None, (acc, o) => acc | ObligationSet.Flag(o)),
            };
        }

        if (clauses.Count > Bits128.Capacity)
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture, "Policy '{0}' cites {1} clauses; the decision engine indexes at most {2}.", name, clauses.Count, Bits128.Capacity));
        }

        return new CompiledPolicy(policy)
        {
            CategoryIndex = categoryIndex.ToFrozenDictionary(StringComparer.Ordinal),
            CategoryList = categoryList,
            CategoryFlags = flags,
            Within = within,
            ExemptionClause = exemption,
            ExemptMask = exemptMask,
            AllCategories = all,
            PurposeIndex = purposeIndex.ToFrozenDictionary(StringComparer.Ordinal),
            PurposeList = [.. purposes.Select(p => new PurposeId(p.Id))],
            PurposeBases = [.. purposes.Select(p => p.Basis)],
            PurposeObjectable = [.. purposes.Select(p => p.Objectable)],
            RecipientIndex = recipientIndex.ToFrozenDictionary(StringComparer.Ordinal),
            RecipientKinds = [.. document.Recipients.Select(r => r.Kind)],
            ServiceIndex = serviceIndex.ToFrozenDictionary(StringComparer.Ordinal),
            ServiceNecessary = serviceNecessary,
            ServiceProviders = serviceProviders,
            ClauseIndex = clauseIndex.ToFrozenDictionary(StringComparer.Ordinal),
            ClauseNames = [.. clauses],
            DenyByDefaultClause = denyByDefault,
            RulesByKind = [.. byKind.Select(l => l.ToArray())],
            Grounds = grounds,
        };
    }

    private static string? DottedParent(string id, Dictionary<string, int> declared)
    {
        var dot = id.LastIndexOf('.');
        return dot > 0 && declared.ContainsKey(id[..dot]) ? id[..dot] : null;
    }

    private static int Bits(IEnumerable<int> values) => values.Aggregate(0, (acc, v) => acc | (1 << v));
}
