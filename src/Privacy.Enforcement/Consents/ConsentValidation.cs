using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.Consents;

/// <summary>
/// Checks consent input against the policy version it is given under. Every failure is an
/// <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> names the field, thrown before
/// anything is stored. Messages name policy terms (purposes, categories) but never subject data.
/// </summary>
internal static class ConsentValidation
{
    public static void RequireSubject(SubjectId subject, string paramName)
    {
        if (subject.IsEmpty)
        {
            throw new ArgumentException("The subject id is required but was the default (empty) value.", paramName);
        }
    }

    public static void RequireConsentId(ConsentId consentId, string paramName)
    {
        if (consentId.Value == Guid.Empty)
        {
            throw new ArgumentException("The consent id is required but was empty.", paramName);
        }
    }

    /// <summary>Finds the version the subject was shown; it must be published and still in force (<c>changes.replace</c>).</summary>
    public static PublishedPolicy ResolveShownPolicy(IPolicyProvider policies, Version? version, string? contentHash, string versionParam, string hashParam)
    {
        if (version is null)
        {
            throw new ArgumentException("The policy version shown to the subject is required.", versionParam);
        }

        var shown = policies.Find(version)
            ?? throw new ArgumentException($"Policy version {version} was never published; consents are bound to a published version.", versionParam);

        var current = policies.Current;
        if (shown.Version != current.Version)
        {
            throw new ArgumentException(
                $"Policy version {version} has been replaced by {current.Version}; show the subject the version in force (changes.replace).",
                versionParam);
        }

        if (string.IsNullOrWhiteSpace(contentHash) || !string.Equals(contentHash, shown.Version.ContentHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The content hash does not match published policy version {version}: the subject was shown other text.", hashParam);
        }

        return shown;
    }

    public static string? OptionalText(string? value, string paramName) =>
        value is null ? null : RequiredText(value, paramName);

    public static string RequiredText(string? value, string paramName)
    {
        var problem = Identifier.Check(value);
        if (problem is not null)
        {
            throw new ArgumentException($"The field {problem}.", paramName);
        }

        return value!;
    }

    /// <summary>Checks the enum values of consent input before terms are built from it, naming the request's field and the value.</summary>
    public static void RequireDefinedEnums(IReadOnlyList<ProcessingAct>? acts, RecipientKind? recipientKind, string prefix)
    {
        for (var i = 0; acts is not null && i < acts.Count; i++)
        {
            if (!Enum.IsDefined(acts[i]))
            {
                throw new ArgumentException($"Acts[{i}] is {(int)acts[i]}, which is not a defined {nameof(ProcessingAct)}.", prefix + nameof(ConsentTerms.Acts));
            }
        }

        if (recipientKind is { } kind && !Enum.IsDefined(kind))
        {
            throw new ArgumentException($"The recipient kind is {(int)kind}, which is not a defined {nameof(RecipientKind)}.", prefix + nameof(ConsentTerms.RecipientKind));
        }
    }

    public static void RequireFutureExpiry(DateTimeOffset? expiresAt, DateTimeOffset now, string paramName)
    {
        if (expiresAt is { } at && at <= now)
        {
            throw new ArgumentException("The expiry must lie in the future.", paramName);
        }
    }

    /// <summary>Checks that the policy declares every purpose, category and recipient the terms cover.</summary>
    public static void RequireCoveredByPolicy(ConsentTerms terms, PublishedPolicy policy, string prefix)
    {
        var document = policy.Document;
        Require(terms.Purposes, nameof(ConsentTerms.Purposes), prefix);
        for (var i = 0; i < terms.Purposes.Count; i++)
        {
            var purpose = terms.Purposes[i];
            if (purpose.IsEmpty || !document.Purposes.Any(p => string.Equals(p.Id, purpose.Value, StringComparison.Ordinal)))
            {
                throw new ArgumentException(
                    $"Purposes[{i}] '{purpose.Value}' is not a purpose declared by policy {policy.Version}.", prefix + nameof(ConsentTerms.Purposes));
            }
        }

        Require(terms.Categories, nameof(ConsentTerms.Categories), prefix);
        for (var i = 0; i < terms.Categories.Count; i++)
        {
            var category = terms.Categories[i];
            if (category.IsEmpty || !document.Categories.Any(c => string.Equals(c.Id, category.Value, StringComparison.Ordinal)))
            {
                throw new ArgumentException(
                    $"Categories[{i}] '{category.Value}' is not a data category declared by policy {policy.Version}.", prefix + nameof(ConsentTerms.Categories));
            }
        }

        Require(terms.Acts, nameof(ConsentTerms.Acts), prefix);
        for (var i = 0; i < terms.Acts.Count; i++)
        {
            if (!Enum.IsDefined(terms.Acts[i]))
            {
                throw new ArgumentException($"Acts[{i}] is {(int)terms.Acts[i]}, which is not a defined {nameof(ProcessingAct)}.", prefix + nameof(ConsentTerms.Acts));
            }
        }

        if (terms.RecipientKind is { } kind && !Enum.IsDefined(kind))
        {
            throw new ArgumentException($"The recipient kind is {(int)kind}, which is not a defined {nameof(RecipientKind)}.", prefix + nameof(ConsentTerms.RecipientKind));
        }

        if (terms.Recipient is { } recipient)
        {
            if (recipient.IsEmpty)
            {
                throw new ArgumentException("The recipient id is the default (empty) value.", prefix + nameof(ConsentTerms.Recipient));
            }

            var declared = document.Recipients.FirstOrDefault(r => string.Equals(r.Id, recipient.Value, StringComparison.Ordinal));
            if (declared is null && terms.RecipientKind is null)
            {
                throw new ArgumentException(
                    "A recipient the policy does not declare needs its kind (use.third-party.permission).", prefix + nameof(ConsentTerms.RecipientKind));
            }

            if (declared is not null && terms.RecipientKind is { } given && given != declared.Kind)
            {
                throw new ArgumentException(
                    $"The recipient kind {given} contradicts the kind {declared.Kind} the policy declares for the recipient.", prefix + nameof(ConsentTerms.RecipientKind));
            }
        }
        else if (terms.Acts.Contains(ProcessingAct.Disclose) && terms.RecipientKind is null)
        {
            // use.third-party.permission: a sharing consent names the recipient or its kind.
            throw new ArgumentException("A consent to disclose names a recipient or a recipient kind.", prefix + nameof(ConsentTerms.Recipient));
        }
    }

    private static void Require<T>(IReadOnlyList<T>? items, string field, string prefix)
    {
        if (items is null || items.Count == 0)
        {
            throw new ArgumentException($"{field} must name at least one entry.", prefix + field);
        }
    }
}
