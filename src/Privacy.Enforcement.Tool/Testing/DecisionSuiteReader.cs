using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Tool.Output;
using Privacy.Enforcement.Tool.Policies;
using Privacy.Enforcement.Violations;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Privacy.Enforcement.Tool.Testing;

/// <summary>
/// Reads a decision suite (YAML, or JSON, which is YAML too) and checks it against the policy under test: every
/// category, purpose, recipient and fact name a case uses must exist, and an error names the file, line, column and
/// path of the value at fault.
/// </summary>
internal sealed class DecisionSuiteReader
{
    private readonly PublishedPolicy _policy;
    private readonly HashSet<string> _categories;
    private readonly HashSet<string> _purposes;
    private readonly HashSet<string> _consents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _violations = new(StringComparer.Ordinal);

    public DecisionSuiteReader(PublishedPolicy policy)
    {
        _policy = policy;
        _categories = new(policy.Document.Categories.Select(c => c.Id), StringComparer.Ordinal);
        _purposes = new(policy.Document.Purposes.Select(p => p.Id), StringComparer.Ordinal);
    }

    private string _file = string.Empty;

    public DecisionSuite Read(string file)
    {
        Forget();
        var root = Load(file, "test suite");
        root.AllowOnly("name", "policy", "clock", "facts", "cases");
        var clock = root.Required("clock").Time();
        var facts = root.Optional("facts") is { } factNode ? factNode.Guard(() => ReadFacts(factNode)) : [];
        var cases = root.Required("cases").Items().Select(c => c.Guard(() => ReadCase(c))).ToList();
        if (cases.Count == 0)
        {
            throw root.Required("cases").Error("a suite needs at least one case.");
        }

        return new DecisionSuite(file, root.Optional("name")?.Text() ?? Path.GetFileName(file), clock, facts, cases);
    }

    /// <summary>Reads the facts file of <c>policy explain</c>: a clock and facts, as in a suite, without cases.</summary>
    public (DateTimeOffset Clock, IReadOnlyList<SuiteFact> Facts) ReadFacts(string file)
    {
        Forget();
        var root = Load(file, "facts file");
        root.AllowOnly("clock", "facts");
        return (root.Required("clock").Time(), root.Optional("facts") is { } facts ? facts.Guard(() => ReadFacts(facts)) : []);
    }

    /// <summary>Reads the request file of <c>policy explain</c>: one request, as in a case. Names facts of the facts file read before it.</summary>
    public Func<SuiteIds, PrivacyRequest> ReadRequest(string file)
    {
        var root = Load(file, "request file");
        return root.Guard(() => ReadRequest(root));
    }

    /// <summary>Each suite (or facts file) names its own facts.</summary>
    private void Forget()
    {
        _consents.Clear();
        _violations.Clear();
    }

    private SuiteNode Load(string file, string what)
    {
        _file = file;
        var text = PolicyFiles.ReadText(file, what);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new ToolException($"{file}:{ex.Start.Line}:{ex.Start.Column}: malformed YAML: {ex.Message.Split(": ", 2).Last()} Fix the YAML at that line and column.", ex);
        }

        if (stream.Documents.Count != 1)
        {
            throw new ToolException($"{file}: a {what} is one YAML (or JSON) document; this file holds {stream.Documents.Count}.");
        }

        return new SuiteNode(stream.Documents[0].RootNode, "$", file);
    }

    private List<SuiteFact> ReadFacts(SuiteNode node)
    {
        node.AllowOnly("acceptances", "consents", "objections", "engagements", "violations", "publications");
        var facts = new List<SuiteFact>();
        foreach (var item in node.Optional("publications")?.Items() ?? [])
        {
            item.AllowOnly("policy", "at");
            var file = item.Required("policy");
            var path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_file)) ?? ".", file.Text());
            PolicyDocument document;
            try
            {
                document = PolicyFiles.Load(path).Document;
            }
            catch (ToolException ex)
            {
                throw file.Error(ex.Message);
            }

            facts.Add(new PublicationFact(item.Path, item.Required("at").Time(), document));
        }

        foreach (var item in node.Optional("acceptances")?.Items() ?? [])
        {
            item.AllowOnly("subject", "at");
            facts.Add(new AcceptanceFact(item.Path, item.Required("at").Time(), Subject(item.Required("subject"))));
        }

        foreach (var item in node.Optional("consents")?.Items() ?? [])
        {
            item.AllowOnly("name", "subject", "purposes", "categories", "acts", "recipient", "recipientKind", "at", "withdrawnAt", "expiresAt", "refused");
            var name = Name(item, _consents);
            if (name is null && item.Has("withdrawnAt"))
            {
                throw item.Error("a consent withdrawn later needs a name.");
            }

            var request = new ConsentRequest
            {
                Subject = Subject(item.Required("subject")),
                PolicyVersion = _policy.Version.Version,
                PolicyContentHash = _policy.Version.ContentHash,
                Purposes = [.. item.Required("purposes").Items().Select(Purpose)],
                Categories = [.. item.Required("categories").Items().Select(Category)],
                Acts = [.. item.Required("acts").Items().Select(a => a.Enum<ProcessingAct>())],
                Recipient = item.Optional("recipient") is { } recipient ? new RecipientId(recipient.Text()) : null,
                RecipientKind = item.Optional("recipientKind")?.Enum<RecipientKind>(),
                CollectionMethod = "decision-suite",
                ExpiresAt = item.Optional("expiresAt")?.Time(),
            };
            facts.Add(new GrantFact(item.Path, item.Required("at").Time(), name, request, item.Optional("refused")?.Bool() ?? false, item.Optional("withdrawnAt")?.Time()));
        }

        foreach (var item in node.Optional("objections")?.Items() ?? [])
        {
            item.AllowOnly("subject", "purpose", "at", "liftedAt");
            facts.Add(new ObjectionFact(item.Path, item.Required("at").Time(), Subject(item.Required("subject")), Purpose(item.Required("purpose")), item.Optional("liftedAt")?.Time()));
        }

        foreach (var item in node.Optional("engagements")?.Items() ?? [])
        {
            item.AllowOnly("name", "provider", "service", "subjects", "categories", "start", "end", "terminatedAt");
            var start = item.Required("start").Time();
            var request = new EngagementRequest
            {
                Provider = new RecipientId(item.Required("provider").Text()),
                Service = new ServiceId(item.Required("service").Text()),
                Subjects = [.. item.Required("subjects").Items().Select(Subject)],
                Categories = [.. item.Required("categories").Items().Select(Category)],
                StartsAt = start,
                EndsAt = item.Optional("end")?.Time(),
            };
            facts.Add(new EngagementFact(item.Path, start, item.Optional("name")?.Text(), request, item.Optional("terminatedAt")?.Time()));
        }

        foreach (var item in node.Optional("violations")?.Items() ?? [])
        {
            item.AllowOnly("name", "violator", "violatorKind", "kind", "categories", "affected", "at", "confirmed", "terminated");
            var name = Name(item, _violations);
            var report = new ViolationReport
            {
                Kind = item.Optional("kind")?.Enum<ViolationKind>() ?? ViolationKind.Harvesting,
                Violator = Subject(item.Required("violator")),
                ViolatorKind = item.Optional("violatorKind")?.Enum<ViolatorKind>() ?? ViolatorKind.User,
                EvidenceReference = $"decision-suite {item.Path}",
                AffectedSubjects = [.. item.Optional("affected")?.Items().Select(Subject) ?? []],
                RelevantCategories = [.. item.Optional("categories")?.Items().Select(Category) ?? []],
            };
            var terminated = item.Optional("terminated")?.Bool() ?? false;
            facts.Add(new ViolationFact(item.Path, item.Required("at").Time(), name, report, terminated || (item.Optional("confirmed")?.Bool() ?? false), terminated));
        }

        return facts;
    }

    private SuiteCase ReadCase(SuiteNode node)
    {
        node.AllowOnly("name", "request", "expect");
        var name = node.Required("name").Text();
        var request = ReadRequest(node.Required("request"));
        var expect = node.Required("expect");
        expect.AllowOnly("outcome", "clauses", "permitted", "withheld", "reasons", "obligations");
        var clauseIds = new HashSet<string>(_policy.Document.Clauses.Select(c => c.Id), StringComparer.Ordinal);
        var expectation = new Expectation
        {
            Outcome = expect.Optional("outcome")?.Enum<DecisionOutcome>(),
            Clauses = Set(expect.Optional("clauses"), c => clauseIds.Contains(c.Text()) ? c.Text() : throw c.Error($"unknown clause '{c.Text()}'; the policy declares: {string.Join(", ", clauseIds)}.")),
            Permitted = Set(expect.Optional("permitted"), c => Category(c).Value),
            Withheld = Set(expect.Optional("withheld"), c => Category(c).Value),
            Reasons = Set(expect.Optional("reasons"), r => r.Enum<DecisionReason>()),
            Obligations = Set(expect.Optional("obligations"), o => o.Enum<ObligationKind>()),
        };
        if (expectation == new Expectation())
        {
            throw expect.Error("expect states nothing to compare; give at least an outcome.");
        }

        return new SuiteCase(name, node.Path, (int)node.Node.Start.Line, request, expectation);
    }

    private Func<SuiteIds, PrivacyRequest> ReadRequest(SuiteNode node)
    {
        node.AllowOnly("act", "subject", "categories", "purpose", "actor", "storeOperator", "recipient", "transfer", "evidence");
        var act = node.Required("act").Enum<ProcessingAct>();
        var subject = Subject(node.Required("subject"));
        var categories = node.Required("categories").Items().Select(Category).ToArray();
        var purpose = Purpose(node.Required("purpose"));
        var actor = node.Optional("actor") is { } actorNode ? ReadActor(actorNode) : Actor.Application;
        switch (act)
        {
            case ProcessingAct.Collect:
                var storeOperator = node.Optional("storeOperator")?.Text();
                return _ => new CollectionRequest(subject, categories, purpose, actor) { StoreOperator = storeOperator is null ? null : new RecipientId(storeOperator) };
            case ProcessingAct.Disclose:
                var recipientNode = node.Required("recipient");
                recipientNode.AllowOnly("id", "kind");
                var recipient = new Recipient(recipientNode.Required("id").Text(), recipientNode.Required("kind").Enum<RecipientKind>());
                var transfer = node.Optional("transfer")?.Enum<TransferKind>() ?? TransferKind.Share;
                var evidence = node.Optional("evidence") is { } evidenceNode ? ReadEvidence(evidenceNode) : _ => null;
                return ids => new DisclosureRequest(subject, categories, purpose, recipient, evidence(ids), actor) { TransferKind = transfer };
            default:
                return _ => new UseRequest(subject, categories, purpose, actor) { UseAct = act };
        }
    }

    private static Actor ReadActor(SuiteNode node)
    {
        if (node.Node is YamlScalarNode)
        {
            return node.Enum<ActorKind>() == ActorKind.Application ? Actor.Application : throw node.Error("only 'application' stands alone; give other actors as { kind: user, id: mallory }.");
        }

        node.AllowOnly("kind", "id");
        var kind = node.Required("kind").Enum<ActorKind>();
        var id = node.Optional("id")?.Text();
        return kind switch
        {
            ActorKind.Application => Actor.Application,
            ActorKind.Affiliate => Actor.Affiliate(id ?? throw node.Error("an affiliate actor needs its id.")),
            ActorKind.Subject => Actor.Subject(new SubjectId(id ?? throw node.Error("a subject actor needs its id."))),
            ActorKind.User => Actor.User(new SubjectId(id ?? throw node.Error("a user actor needs its id."))),
            _ => Actor.ThirdParty(new RecipientId(id ?? throw node.Error("a third-party actor needs its id."))),
        };
    }

    private Func<SuiteIds, DisclosureEvidence?> ReadEvidence(SuiteNode node)
    {
        var ground = node.Required("ground").Enum<DisclosureGround>();
        var reference = node.Optional("reference")?.Text();
        switch (ground)
        {
            case DisclosureGround.Consent:
                node.AllowOnly("ground", "reference", "consent");
                var consent = node.Optional("consent") is { } consentNode ? Known(consentNode, _consents, "consent") : null;
                return ids => new ConsentEvidence { ConsentId = consent is null ? null : ids.Consents[consent], Reference = reference };
            case DisclosureGround.ServiceNecessity:
                node.AllowOnly("ground", "reference", "service", "serviceRequest");
                var service = new ServiceId(node.Required("service").Text());
                var serviceRequest = node.Optional("serviceRequest")?.Text() ?? string.Empty;
                return _ => new ServiceNecessityEvidence(service, serviceRequest) { Reference = reference };
            case DisclosureGround.LegalRequirement:
                node.AllowOnly("ground", "reference", "institution", "institutionName", "legalBasis", "documentReference", "requestedCategories");
                var legal = new LegalRequirementEvidence(
                    node.Required("institution").Enum<InstitutionKind>(),
                    node.Optional("institutionName")?.Text() ?? string.Empty,
                    node.Optional("legalBasis")?.Text() ?? string.Empty,
                    node.Optional("documentReference")?.Text() ?? string.Empty,
                    [.. node.Optional("requestedCategories")?.Items().Select(Category) ?? []]) { Reference = reference };
                return _ => legal;
            case DisclosureGround.UserViolation:
                node.AllowOnly("ground", "reference", "violation");
                var violation = Known(node.Required("violation"), _violations, "violation");
                return ids => new UserViolationEvidence(ids.Violations[violation]) { Reference = reference };
            case DisclosureGround.IpComplaint:
                node.AllowOnly("ground", "reference", "complaint", "complainant", "qualified", "respondent", "requestedByRespondent");
                var complaint = new IpComplaintEvidence(
                    node.Optional("complaint")?.Text() ?? string.Empty,
                    Subject(node.Required("complainant")),
                    node.Optional("qualified")?.Bool() ?? false,
                    new RecipientId(node.Required("respondent").Text()),
                    node.Optional("requestedByRespondent")?.Bool() ?? false) { Reference = reference };
                return _ => complaint;
            case DisclosureGround.Transaction:
                node.AllowOnly("ground", "reference", "transaction", "counterparties", "requestingParty", "fulfilment", "approvedBy", "additionalCategories");
                var approval = node.Optional("approvedBy") is { } approvedBy
                    ? new TransactionApproval(approvedBy.Text(), [.. node.Optional("additionalCategories")?.Items().Select(Category) ?? []])
                    : null;
                var transaction = new TransactionEvidence(
                    node.Optional("transaction")?.Text() ?? string.Empty,
                    node.Optional("counterparties")?.Texts() ?? [],
                    node.Optional("requestingParty")?.Text() ?? string.Empty,
                    node.Optional("fulfilment")?.Enum<Fulfilment>() ?? Fulfilment.None,
                    approval) { Reference = reference };
                return _ => transaction;
            default:
                node.AllowOnly("ground", "reference", "provision", "allowedCategories");
                var other = new OtherLegalEvidence(node.Optional("provision")?.Text() ?? string.Empty, [.. node.Optional("allowedCategories")?.Items().Select(Category) ?? []]) { Reference = reference };
                return _ => other;
        }
    }

    private static string? Name(SuiteNode item, HashSet<string> names)
    {
        if (item.Optional("name") is not { } node)
        {
            return null;
        }

        var name = node.Text();
        return names.Add(name) ? name : throw node.Error($"the name '{name}' is already used by another fact of this kind.");
    }

    private static string Known(SuiteNode node, HashSet<string> names, string what)
    {
        var name = node.Text();
        return names.Contains(name)
            ? name
            : throw node.Error($"no {what} named '{name}' among the facts{(names.Count == 0 ? string.Empty : $" (named: {string.Join(", ", names)})")}; declare it under facts first.");
    }

    private static SubjectId Subject(SuiteNode node) => new(node.Text());

    private DataCategory Category(SuiteNode node)
    {
        var id = node.Text();
        return _categories.Contains(id)
            ? new DataCategory(id)
            : throw node.Error($"unknown category '{id}'; the policy {_policy.Version.PolicyId} declares: {string.Join(", ", _categories)}.");
    }

    private PurposeId Purpose(SuiteNode node)
    {
        var id = node.Text();
        return _purposes.Contains(id)
            ? new PurposeId(id)
            : throw node.Error($"unknown purpose '{id}'; the policy {_policy.Version.PolicyId} declares: {string.Join(", ", _purposes)}.");
    }

    private static HashSet<T>? Set<T>(SuiteNode? node, Func<SuiteNode, T> read) => node is null ? null : [.. node.Value.Items().Select(read)];
}
