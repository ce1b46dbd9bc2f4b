using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.DataMap;

/// <summary>
/// Builds the <see cref="DataMap"/> (records of processing) from a policy version, the registered data sources, the
/// providers' engagements and, optionally, the audit trail. One call from a host or a tool:
/// <see cref="BuildAsync(IServiceProvider, bool, CancellationToken)"/> with the service provider, or
/// <see cref="Build"/> with the parts.
/// </summary>
/// <remarks>
/// <b>Reading:</b> a purpose's categories are those the registered sources hold (every purpose of the policy may
/// process them, within its rules: consent to collect identifying or contact data, objections, consents for
/// consent-based purposes), the categories its rules name, for the service-provision purpose (data use
/// <c>essential.service</c>) the categories its services need, and the categories the trail shows were permitted for
/// it. Exempt categories (<c>collect.exempt.*</c>) are outside the policy and listed under their sources only. Its
/// recipients are the declared recipients of the kinds its rules name, the providers of the services for the
/// service-provision purpose with every declared provider and affiliate, those of the kinds of the disclosure ground that shares its clause, and the declared
/// recipients the trail shows it disclosed to.
/// </remarks>
public static class DataMapBuilder
{
    private const string ServiceDataUse = "essential.service";

    /// <summary>Builds the data map of the policy in force with every service the host registered.</summary>
    /// <param name="services">The host's service provider (the policy provider, the <see cref="IPersonalDataSource"/>s, and, when registered, the engagement store and the audit-trail query).</param>
    /// <param name="includeTrail">Whether to read the decisions of the audit trail (counts and observed categories); it reads the whole trail.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The data map.</returns>
    public static async ValueTask<DataMap> BuildAsync(IServiceProvider services, bool includeTrail = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var policy = services.GetRequiredService<IPolicyProvider>().Current;
        var sources = services.GetServices<IPersonalDataSource>().ToList();
        var engagements = new List<ServiceEngagement>();
        if (services.GetService<IEngagementStore>() is { } store)
        {
            foreach (var recipient in policy.Document.Recipients.Where(r => r.Kind is RecipientKind.ServiceProvider or RecipientKind.Affiliate))
            {
                if (!RecipientId.TryCreate(recipient.Id, out var provider))
                {
                    continue;
                }

                await foreach (var engagement in store.GetByProviderAsync(provider, cancellationToken).ConfigureAwait(false))
                {
                    engagements.Add(engagement);
                }
            }
        }

        List<AuditEvent>? trail = null;
        if (includeTrail && services.GetService<IAuditTrailQuery>() is { } query)
        {
            trail = [];
            await foreach (var auditEvent in query.QueryAsync(new AuditQuery { Kind = AuditEventKind.Decision }, cancellationToken).ConfigureAwait(false))
            {
                trail.Add(auditEvent);
            }
        }

        return Build(policy, sources, engagements, trail);
    }

    /// <summary>Builds the data map from its parts.</summary>
    /// <param name="policy">The policy version.</param>
    /// <param name="sources">The registered data sources; an <see cref="IClassifiedPersonalDataSource"/> says which fields hold each category.</param>
    /// <param name="engagements">The providers' engagements.</param>
    /// <param name="trail">The decision events of the audit trail, or <see langword="null"/> to leave the trail out.</param>
    /// <returns>The data map.</returns>
    public static DataMap Build(PublishedPolicy policy, IEnumerable<IPersonalDataSource> sources, IEnumerable<ServiceEngagement> engagements, IEnumerable<AuditEvent>? trail = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(engagements);
        var document = policy.Document;
        var definitions = document.Categories.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var sourceList = sources.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var engagementList = engagements.OrderBy(e => e.StartsAt).ThenBy(e => e.Id.Value).ToList();
        var decisions = trail?.Where(e => e.Kind == AuditEventKind.Decision && e.Outcome == nameof(DecisionOutcome.Permit)).ToList() ?? [];

        var held = new SortedDictionary<string, List<DataMapLocation>>(StringComparer.Ordinal);
        var mapSources = new List<DataMapSource>();
        foreach (var source in sourceList)
        {
            var fields = source is IClassifiedPersonalDataSource classified
                ? classified.Fields.OrderBy(f => f.Container, StringComparer.Ordinal).ThenBy(f => f.Field, StringComparer.Ordinal)
                    .Select(f => new DataMapField(f.Container, f.Field, f.Category.Value, f.Encrypted)).ToList()
                : [];
            foreach (var category in source.Categories.Select(c => c.Value).Distinct(StringComparer.Ordinal))
            {
                var locations = held.TryGetValue(category, out var list) ? list : held[category] = [];
                var inFields = fields.Where(f => f.Category == category).ToList();
                if (inFields.Count == 0)
                {
                    locations.Add(new DataMapLocation(source.Name, null, null, false));
                }

                locations.AddRange(inFields.Select(f => new DataMapLocation(source.Name, f.Container, f.Field, f.Encrypted)));
            }

            mapSources.Add(new DataMapSource
            {
                Name = source.Name,
                Operator = source.Operator.ToString(),
                Categories = [.. source.Categories.Select(c => c.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                Fields = fields,
            });
        }

        var purposes = new List<DataMapPurpose>();
        foreach (var purpose in document.Purposes)
        {
            var rules = document.Rules.Where(r => r.Purposes.Contains(purpose.Id, StringComparer.Ordinal)).ToList();
            var isService = purpose.Id == StandardPurposes.ServiceProvision || (purpose.DataUses?.Contains(ServiceDataUse, StringComparer.Ordinal) ?? false);
            var observed = decisions.Where(e => e.Purpose == purpose.Id).ToList();

            var why = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            void Add(string category, string reason)
            {
                if (definitions.TryGetValue(category, out var definition) && (Flags(definitions, definition) & DataCategoryFlags.Exempt) != 0)
                {
                    return;
                }

                (why.TryGetValue(category, out var set) ? set : why[category] = new SortedSet<string>(StringComparer.Ordinal)).Add(reason);
            }

            foreach (var category in held.Keys)
            {
                Add(category, "held");
            }

            foreach (var category in rules.SelectMany(r => r.Categories))
            {
                Add(category, "rule");
            }

            if (isService)
            {
                foreach (var category in document.Services.SelectMany(s => s.NecessaryCategories))
                {
                    Add(category, "service");
                }
            }

            foreach (var category in observed.SelectMany(e => e.PermittedCategories.Count > 0 ? e.PermittedCategories : e.Categories))
            {
                Add(category, "observed");
            }

            var recipientIds = new SortedSet<string>(StringComparer.Ordinal);
            var kinds = rules.SelectMany(r => r.RecipientKinds)
                .Concat(document.Grounds.Where(g => purpose.Clause is not null && g.Clause == purpose.Clause).SelectMany(g => g.RecipientKinds))
                .ToHashSet();
            recipientIds.UnionWith(document.Recipients.Where(r => kinds.Contains(r.Kind)).Select(r => r.Id));
            if (isService)
            {
                // use.third-party.service-provider: engaged providers and affiliates serve the application's services.
                recipientIds.UnionWith(document.Services.SelectMany(s => s.Providers));
                recipientIds.UnionWith(document.Recipients.Where(r => r.Kind is RecipientKind.ServiceProvider or RecipientKind.Affiliate).Select(r => r.Id));
            }

            recipientIds.UnionWith(observed.Select(e => e.Recipient).OfType<string>().Where(id => document.Recipients.Any(r => r.Id == id)));

            purposes.Add(new DataMapPurpose
            {
                Id = purpose.Id,
                Description = purpose.Description,
                Basis = purpose.Basis == PurposeBasis.Consent ? "consent" : "acceptance",
                Objectable = purpose.Objectable,
                Clauses = [.. new[] { purpose.Clause }.Concat(rules.Select(r => r.Clause)).OfType<string>().Distinct(StringComparer.Ordinal)],
                DataUses = [.. purpose.DataUses ?? []],
                Categories = [.. why.Select(w => new DataMapCategory
                {
                    Id = w.Key,
                    Flags = definitions.TryGetValue(w.Key, out var definition) ? FlagNames(Flags(definitions, definition)) : ["Undeclared"],
                    Why = [.. w.Value],
                    HeldIn = held.TryGetValue(w.Key, out var locations) ? locations : [],
                })],
                Recipients = [.. recipientIds.Select(id => Recipient(document, id, engagementList))],
                Retention = Retention(document, purpose, recipientIds.Count > 0),
                PermittedDecisions = observed.Count,
            });
        }

        return new DataMap
        {
            PolicyId = document.Id,
            PolicyVersion = policy.Version.Version.ToString(),
            ContentHash = policy.Version.ContentHash,
            Purposes = purposes,
            Sources = mapSources,
            UndeclaredCategories = [.. held.Keys.Where(c => !definitions.ContainsKey(c))],
        };
    }

    private static DataMapRecipient Recipient(PolicyDocument document, string id, List<ServiceEngagement> engagements)
    {
        var definition = document.Recipients.FirstOrDefault(r => r.Id == id);
        return new DataMapRecipient
        {
            Id = id,
            Kind = definition is null ? "undeclared" : Kebab(definition.Kind.ToString()),
            Name = definition?.Name,
            Services = [.. document.Services.Where(s => s.Providers.Contains(id, StringComparer.Ordinal)).Select(s => s.Id)],
            Engagements = [.. engagements.Where(e => e.Provider.Value == id).Select(e => new DataMapEngagement
            {
                Id = e.Id.Value.ToString(),
                Service = e.Service.Value,
                Categories = [.. e.Categories.Select(c => c.Value)],
                StartsAt = e.StartsAt,
                EndsAt = e.TerminatedAt is { } terminated && (e.EndsAt is null || terminated < e.EndsAt) ? terminated : e.EndsAt,
                AllSubjects = e.AllSubjects,
                ReturnOrDeleteDueBy = e.ReturnOrDeleteDueBy,
                DeletionConfirmed = e.DeletionConfirmedAt is not null,
            })],
        };
    }

    private static List<string> Retention(PolicyDocument document, PurposeDefinition purpose, bool hasRecipients)
    {
        string? Clause(RuleKind kind, ProcessingAct? act = null) =>
            document.Rules.FirstOrDefault(r => r.Kind == kind && (act is null || r.Acts.Contains(act.Value)))?.Clause;

        var retention = new List<string>();
        if (Clause(RuleKind.SubjectRight, ProcessingAct.Erase) is { } erase)
        {
            retention.Add($"Kept until the subject has it erased ({erase}); a legal hold keeps what it names until it is released.");
        }
        else
        {
            retention.Add("The policy declares no erasure right: kept until the host deletes it.");
        }

        if (purpose.Basis == PurposeBasis.Consent)
        {
            var changes = Clause(RuleKind.RenewConsentOnChange);
            retention.Add($"Used only while the subject's consent is in force ({purpose.Clause ?? "consent"}){(changes is null ? string.Empty : $"; a policy change that alters its terms ends it ({changes})")}.");
        }

        if (purpose.Objectable && Clause(RuleKind.PermitUnlessObjected) is { } objection)
        {
            retention.Add($"Use stops when the subject objects ({objection}).");
        }

        if (hasRecipients && Clause(RuleKind.DenyAfterEngagementEnd) is { } end)
        {
            retention.Add($"A provider's access ends with its engagement, and it returns or deletes the data by the due date ({end}).");
        }

        return retention;
    }

    private static DataCategoryFlags Flags(Dictionary<string, DataCategoryDefinition> definitions, DataCategoryDefinition definition)
    {
        var flags = definition.Flags;
        var seen = new HashSet<string>(StringComparer.Ordinal) { definition.Id };
        var parent = ParentOf(definition);
        while (parent is not null && seen.Add(parent) && definitions.TryGetValue(parent, out var next))
        {
            flags |= next.Flags;
            parent = ParentOf(next);
        }

        return flags;
    }

    private static string? ParentOf(DataCategoryDefinition definition) =>
        definition.Parent ?? (definition.Id.LastIndexOf('.') is var dot and > 0 ? definition.Id[..dot] : null);

    private static List<string> FlagNames(DataCategoryFlags flags) =>
        [.. Enum.GetValues<DataCategoryFlags>().Where(f => f != DataCategoryFlags.None && flags.HasFlag(f)).Select(f => f.ToString())];

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));
}
