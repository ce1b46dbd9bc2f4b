using System.Text.RegularExpressions;

namespace Privacy.Enforcement.Policies;

// Why one type of about 550 lines: it checks one document as a whole. The checks of each part refer to ids declared in
// the others (rules name categories, purposes, recipients and clauses; grounds name evidence; clauses must be enforced
// by some rule), so they share one run's indexes and report every error in document order with its JSON path.
/// <summary>
/// Checks a <see cref="PolicyDocument"/> as a whole: required members, id syntax, duplicate ids, references to
/// undeclared categories, purposes, recipients and clauses, cycles in the taxonomy, grounds without an evidence rule,
/// and clauses no rule enforces. The JSON loader and <see cref="PolicyBuilder"/> both use it, so a document built
/// in code reports the same JSON paths as one read from a file.
/// </summary>
internal static partial class PolicyDocumentValidator
{
    /// <summary>
    /// The most categories a policy may declare: the compiled policy indexes categories in a fixed 128-bit set so a
    /// decision on a category set is a few machine words (the engine's <c>Bits128.Capacity</c>).
    /// </summary>
    public const int MaxCategories = PolicyDocumentLimits.MaxCategories;

    /// <summary>The most purposes a policy may declare (the compiled policy indexes purposes in a 64-bit set).</summary>
    public const int MaxPurposes = PolicyDocumentLimits.MaxPurposes;

    /// <summary>Returns every problem of the document; empty when it is valid.</summary>
    /// <param name="document">The document.</param>
    /// <returns>The problems, in document order.</returns>
    public static IReadOnlyList<PolicyValidationError> Validate(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new Run(document).Execute();
    }

    /// <summary>Throws a <see cref="PolicyValidationException"/> listing every problem when the document is invalid.</summary>
    /// <param name="document">The document.</param>
    /// <exception cref="PolicyValidationException">The document is invalid.</exception>
    public static void ThrowIfInvalid(PolicyDocument document)
    {
        var errors = Validate(document);
        if (errors.Count > 0)
        {
            throw new PolicyValidationException(errors);
        }
    }

    /// <summary>Parses a policy version string: two to four dot-separated non-negative integers (<c>1.0</c>, <c>2.1.3</c>).</summary>
    /// <param name="value">The version text.</param>
    /// <param name="version">The version when valid.</param>
    /// <returns><see langword="true"/> when the text is a version.</returns>
    public static bool TryParseVersion(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Version? version)
    {
        version = null;
        return value is not null && VersionSyntax().IsMatch(value) && Version.TryParse(value, out version);
    }

    /// <summary>Returns whether <paramref name="id"/> is a valid category id: lower-case dot-separated segments (<c>user.contact.email</c>).</summary>
    /// <param name="id">The candidate id.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidCategoryId(string? id) => id is not null && id.Length <= Identifier.MaxLength && CategorySyntax().IsMatch(id);

    [GeneratedRegex(@"^[0-9]{1,9}(\.[0-9]{1,9}){1,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionSyntax();

    [GeneratedRegex(@"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex CategorySyntax();

    private sealed class Run(PolicyDocument document)
    {
        private readonly List<PolicyValidationError> _errors = [];
        private readonly HashSet<string> _clauses = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _categories = new(StringComparer.Ordinal);
        private readonly HashSet<string> _purposes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, RecipientKind> _recipients = new(StringComparer.Ordinal);
        private readonly HashSet<string> _enforced = new(StringComparer.Ordinal);

        public List<PolicyValidationError> Execute()
        {
            CheckHeader();
            CheckClauses();
            CheckCategories();
            CheckPurposes();
            CheckRecipients();
            CheckServices();
            CheckGrounds();
            CheckRules();
            CheckEveryClauseEnforced();
            return _errors;
        }

        private void Error(string path, string message) => _errors.Add(new PolicyValidationError(path, message));

        private void CheckHeader()
        {
            if (RequireId(document.Id, "$.id", "policy id"))
            {
                CheckIdentifier(document.Id, "$.id", "policy id");
            }

            if (document.Version is null || document.Version.Length == 0)
            {
                Error("$.version", "is required");
            }
            else if (!TryParseVersion(document.Version, out _))
            {
                Error("$.version", $"'{document.Version}' is not a version; expected major.minor[.build[.revision]] such as '1.0' or '2.1.3'");
            }

            if (document.PublishedAt == default)
            {
                Error("$.publishedAt", "is required");
            }
        }

        private void CheckClauses()
        {
            foreach (var (clause, path) in Items(document.Clauses, "$.clauses"))
            {
                if (RequireId(clause.Id, path + ".id", "clause id") && CheckIdentifier(clause.Id, path + ".id", "clause id") && !_clauses.Add(clause.Id))
                {
                    Error(path + ".id", $"duplicate clause id '{clause.Id}'");
                }
            }
        }

        private void CheckCategories()
        {
            var list = document.Categories;
            if (list is not null && list.Count > MaxCategories)
            {
                Error("$.categories", $"declares {list.Count} categories but a policy supports at most {MaxCategories}");
            }

            var declared = new List<(DataCategoryDefinition Category, string Path)>();
            foreach (var (category, path) in Items(list, "$.categories"))
            {
                if (!RequireId(category.Id, path + ".id", "category id"))
                {
                    continue;
                }

                if (!IsValidCategoryId(category.Id))
                {
                    Error(path + ".id", $"'{category.Id}' is not a valid category id; expected lower-case dot-separated segments of letters, digits, '-' or '_', each starting with a letter (for example 'user.contact.email')");
                    continue;
                }

                if (_categories.ContainsKey(category.Id))
                {
                    Error(path + ".id", $"duplicate category id '{category.Id}'");
                    continue;
                }

                _categories.Add(category.Id, declared.Count);
                declared.Add((category, path));
            }

            var parents = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (category, path) in declared)
            {
                parents[category.Id] = ParentOf(category, path);
                CheckFlags(category.Flags, path + ".flags");
                if (category.ExemptionClause is not null)
                {
                    CheckClauseReference(category.ExemptionClause, path + ".exemptionClause");
                    if ((category.Flags & DataCategoryFlags.Exempt) == 0)
                    {
                        Error(path + ".exemptionClause", $"category '{category.Id}' names an exemption clause but is not flagged 'exempt'");
                    }
                }
            }

            CheckCycles(declared, parents);

            foreach (var (category, path) in declared)
            {
                if ((category.Flags & DataCategoryFlags.Exempt) != 0 && category.ExemptionClause is null && !AncestorHasExemptionClause(category.Id, parents))
                {
                    Error(path + ".exemptionClause", $"category '{category.Id}' is exempt but names no exemption clause (for example '{ClauseIds.CollectExemptSearchKeywords}')");
                }
            }
        }

        private string? ParentOf(DataCategoryDefinition category, string path)
        {
            var dot = category.Id.LastIndexOf('.');
            var prefix = dot < 0 ? null : category.Id[..dot];
            if (category.Parent is null)
            {
                if (prefix is not null && !_categories.ContainsKey(prefix))
                {
                    Error(path + ".id", $"category '{category.Id}' lies within '{prefix}', which is not a declared category");
                    return null;
                }

                return prefix;
            }

            if (!_categories.ContainsKey(category.Parent))
            {
                Error(path + ".parent", $"unknown category '{category.Parent}' (parent of '{category.Id}')");
                return null;
            }

            if (prefix is not null && !string.Equals(prefix, category.Parent, StringComparison.Ordinal))
            {
                Error(path + ".parent", $"parent '{category.Parent}' contradicts the dotted id '{category.Id}', whose parent is '{prefix}'");
                return null;
            }

            return category.Parent;
        }

        private void CheckCycles(List<(DataCategoryDefinition Category, string Path)> declared, Dictionary<string, string?> parents)
        {
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (category, path) in declared)
            {
                var chain = new List<string> { category.Id };
                var current = parents[category.Id];
                while (current is not null && chain.Count <= declared.Count)
                {
                    if (string.Equals(current, category.Id, StringComparison.Ordinal))
                    {
                        // One error per cycle, at its first member in document order.
                        if (chain.TrueForAll(reported.Add))
                        {
                            chain.Add(current);
                            Error(path + ".parent", $"cycle in the taxonomy: {string.Join(" -> ", chain)}");
                        }

                        break;
                    }

                    chain.Add(current);
                    current = parents.GetValueOrDefault(current);
                }
            }
        }

        private bool AncestorHasExemptionClause(string id, Dictionary<string, string?> parents)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var current = parents.GetValueOrDefault(id); current is not null && seen.Add(current); current = parents.GetValueOrDefault(current))
            {
                if (document.Categories[_categories[current]].ExemptionClause is not null)
                {
                    return true;
                }
            }

            return false;
        }

        private void CheckPurposes()
        {
            if (document.Purposes is { Count: > MaxPurposes })
            {
                Error("$.purposes", $"declares {document.Purposes.Count} purposes but a policy supports at most {MaxPurposes}");
            }

            foreach (var (purpose, path) in Items(document.Purposes, "$.purposes"))
            {
                if (RequireId(purpose.Id, path + ".id", "purpose id") && CheckIdentifier(purpose.Id, path + ".id", "purpose id") && !_purposes.Add(purpose.Id))
                {
                    Error(path + ".id", $"duplicate purpose id '{purpose.Id}'");
                }

                CheckDefined(purpose.Basis, path + ".basis");
                if (purpose.Clause is not null)
                {
                    CheckClauseReference(purpose.Clause, path + ".clause");
                }

                if (purpose.DataUses is not null)
                {
                    foreach (var (dataUse, usePath) in Values(purpose.DataUses, path + ".dataUses"))
                    {
                        CheckIdentifier(dataUse, usePath, "data use");
                    }
                }
            }
        }

        private void CheckRecipients()
        {
            foreach (var (recipient, path) in Items(document.Recipients, "$.recipients"))
            {
                CheckDefined(recipient.Kind, path + ".kind");
                if (RequireId(recipient.Id, path + ".id", "recipient id") && CheckIdentifier(recipient.Id, path + ".id", "recipient id") && !_recipients.TryAdd(recipient.Id, recipient.Kind))
                {
                    Error(path + ".id", $"duplicate recipient id '{recipient.Id}'");
                }
            }
        }

        private void CheckServices()
        {
            var services = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (service, path) in Items(document.Services, "$.services"))
            {
                if (RequireId(service.Id, path + ".id", "service id") && CheckIdentifier(service.Id, path + ".id", "service id") && !services.Add(service.Id))
                {
                    Error(path + ".id", $"duplicate service id '{service.Id}'");
                }

                foreach (var (category, itemPath) in Values(service.NecessaryCategories, path + ".necessaryCategories"))
                {
                    CheckCategoryReference(category, itemPath);
                }

                foreach (var (provider, itemPath) in Values(service.Providers, path + ".providers"))
                {
                    if (!_recipients.TryGetValue(provider, out var kind))
                    {
                        Error(itemPath, $"unknown recipient '{provider}'; declare it under $.recipients");
                    }
                    else if (kind is not (RecipientKind.ServiceProvider or RecipientKind.Affiliate))
                    {
                        Error(itemPath, $"recipient '{provider}' is a {kind} and cannot provide a service; providers are service providers or affiliates");
                    }
                }
            }
        }

        private void CheckGrounds()
        {
            var grounds = new HashSet<DisclosureGround>();
            foreach (var (ground, path) in Items(document.Grounds, "$.grounds"))
            {
                var defined = CheckDefined(ground.Ground, path + ".ground");
                if (defined && !grounds.Add(ground.Ground))
                {
                    Error(path + ".ground", $"duplicate ground '{ground.Ground}'");
                }

                if (RequireId(ground.Clause, path + ".clause", "clause id") && CheckClauseReference(ground.Clause, path + ".clause"))
                {
                    _enforced.Add(ground.Clause);
                }

                foreach (var (kind, itemPath) in Values(ground.RecipientKinds, path + ".recipientKinds"))
                {
                    CheckDefined(kind, itemPath);
                }

                foreach (var (obligation, itemPath) in Values(ground.Obligations, path + ".obligations"))
                {
                    CheckDefined(obligation, itemPath);
                }

                if (CheckDefined(ground.CategoryLimit, path + ".categoryLimit"))
                {
                    CheckFlags(ground.LimitFlags, path + ".limitFlags");
                    if (ground.CategoryLimit == CategoryLimitSource.Flags && ground.LimitFlags == DataCategoryFlags.None)
                    {
                        Error(path + ".limitFlags", $"ground '{ground.Ground}' limits categories by flags but names none (for example [\"contact-capable\"])");
                    }
                }

                CheckEvidenceRule(ground, path, defined);
            }
        }

        private void CheckEvidenceRule(GroundDefinition ground, string path, bool groundDefined)
        {
            if (ground.RequiredEvidence is null || ground.RequiredEvidence.Count == 0)
            {
                Error(path + ".requiredEvidence", $"ground '{ground.Ground}' has no evidence rule; name the evidence fields a request must carry");
                return;
            }

            if (!groundDefined)
            {
                return;
            }

            var (typeName, fields) = EvidenceFields.For(ground.Ground);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (field, itemPath) in Values(ground.RequiredEvidence, path + ".requiredEvidence"))
            {
                if (!fields.Contains(field, StringComparer.Ordinal))
                {
                    Error(itemPath, $"'{field}' is not a field of {typeName}; expected one of: {string.Join(", ", fields)}");
                }
                else if (!seen.Add(field))
                {
                    Error(itemPath, $"evidence field '{field}' is named twice");
                }
            }
        }

        private void CheckRules()
        {
            foreach (var (rule, path) in Items(document.Rules, "$.rules"))
            {
                if (rule.Clause is null || rule.Clause.Length == 0)
                {
                    Error(path + ".clause", "is required: every rule cites the clause it encodes");
                }
                else if (CheckClauseReference(rule.Clause, path + ".clause"))
                {
                    _enforced.Add(rule.Clause);
                }

                CheckDefined(rule.Kind, path + ".kind");
                CheckFlags(rule.CategoryFlags, path + ".categoryFlags");
                foreach (var (purpose, itemPath) in Values(rule.Purposes, path + ".purposes"))
                {
                    if (!_purposes.Contains(purpose))
                    {
                        Error(itemPath, $"unknown purpose '{purpose}'; declare it under $.purposes");
                    }
                }

                foreach (var (category, itemPath) in Values(rule.Categories, path + ".categories"))
                {
                    CheckCategoryReference(category, itemPath);
                }

                foreach (var (kind, itemPath) in Values(rule.RecipientKinds, path + ".recipientKinds"))
                {
                    CheckDefined(kind, itemPath);
                }

                foreach (var (kind, itemPath) in Values(rule.TransferKinds, path + ".transferKinds"))
                {
                    CheckDefined(kind, itemPath);
                }

                foreach (var (act, itemPath) in Values(rule.Acts, path + ".acts"))
                {
                    CheckDefined(act, itemPath);
                }
            }
        }

        private void CheckEveryClauseEnforced()
        {
            if (document.Clauses is null || document.Clauses.Count > PolicyDocumentLimits.MaxListItems)
            {
                return;
            }

            foreach (var (clause, path) in Items(document.Clauses, "$.clauses"))
            {
                if (clause.Id is not null && !_enforced.Contains(clause.Id))
                {
                    Error(path + ".id", $"clause '{clause.Id}' is declared but no rule or ground enforces it");
                }
            }
        }

        private bool RequireId(string? value, string path, string what)
        {
            if (value is null || value.Length == 0)
            {
                Error(path, $"is required ({what})");
                return false;
            }

            return true;
        }

        private bool CheckIdentifier(string value, string path, string what)
        {
            var problem = Identifier.Check(value);
            if (problem is not null)
            {
                Error(path, $"{what} {problem}");
                return false;
            }

            return true;
        }

        private bool CheckClauseReference(string clause, string path)
        {
            if (!_clauses.Contains(clause))
            {
                Error(path, $"unknown clause '{clause}'; declare it under $.clauses");
                return false;
            }

            return true;
        }

        private void CheckCategoryReference(string category, string path)
        {
            if (!_categories.ContainsKey(category))
            {
                Error(path, $"unknown category '{category}'; declare it under $.categories");
            }
        }

        private bool CheckDefined<TEnum>(TEnum value, string path)
            where TEnum : struct, Enum
        {
            if (!Enum.IsDefined(value))
            {
                Error(path, $"{value} is not a {typeof(TEnum).Name}");
                return false;
            }

            return true;
        }

        private void CheckFlags(DataCategoryFlags flags, string path)
        {
            const DataCategoryFlags all = DataCategoryFlags.Identifying | DataCategoryFlags.ContactCapable | DataCategoryFlags.Sensitive
                | DataCategoryFlags.Credential | DataCategoryFlags.Exempt;
            if ((flags & ~all) != 0)
            {
                Error(path, $"unknown data category flags {(int)(flags & ~all)}");
            }
        }

        private bool TooLong(int count, string path)
        {
            if (count <= PolicyDocumentLimits.MaxListItems)
            {
                return false;
            }

            Error(path, $"holds {count} entries; a policy list may hold at most {PolicyDocumentLimits.MaxListItems} ({nameof(PolicyDocumentLimits)}.{nameof(PolicyDocumentLimits.MaxListItems)})");
            return true;
        }

                private IEnumerable<(T Item, string Path)> Items<T>(IReadOnlyList<T?>? list, string path)
            where T : class
        {
            if (list is null)
            {
                Error(path, "must be an array, not null");
                yield break;
            }

            if (TooLong(list.Count, path))
            {
                yield break;
            }

            for (var i = 0; i < list.Count; i++)
            {
                var item = list[i];
                if (item is null)
                {
                    Error($"{path}[{i}]", "must be an object, not null");
                    continue;
                }

                yield return (item, $"{path}[{i}]");
            }
        }

        private IEnumerable<(T Value, string Path)> Values<T>(IReadOnlyList<T>? list, string path)
        {
            if (list is null)
            {
                Error(path, "must be an array, not null");
                yield break;
            }

            if (TooLong(list.Count, path))
            {
                yield break;
            }

            for (var i = 0; i < list.Count; i++)
            {
                var value = list[i];
                if (value is null)
                {
                    Error($"{path}[{i}]", "must not be null");
                    continue;
                }

                yield return (value, $"{path}[{i}]");
            }
        }
    }
}
