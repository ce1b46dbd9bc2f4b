using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Consents;

/// <summary>The consent service over an <see cref="IConsentStore"/> (see <see cref="IConsentService"/>).</summary>
internal sealed class ConsentService : IConsentService
{
    private const string RequestPrefix = "request.";

    private readonly IConsentStore _store;
    private readonly IPolicyProvider _policies;
    private readonly SubjectChangeNotifier _notifier;
    private readonly ConsentReceiptOptions _receiptOptions;

    public ConsentService(IConsentStore store, IPolicyProvider policies, SubjectChangeNotifier notifier, IOptions<ConsentReceiptOptions>? receiptOptions = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(notifier);
        _store = store;
        _policies = policies;
        _notifier = notifier;
        _receiptOptions = receiptOptions?.Value ?? new ConsentReceiptOptions();
    }

    public ValueTask<ConsentResult> GrantAsync(ConsentRequest request, CancellationToken cancellationToken) =>
        RecordNewAsync(request, ConsentState.Given, cancellationToken);

    public ValueTask<ConsentResult> RefuseAsync(ConsentRequest request, CancellationToken cancellationToken) =>
        RecordNewAsync(request, ConsentState.Refused, cancellationToken);

    public async ValueTask<ConsentResult> WithdrawAsync(SubjectId subject, ConsentId consentId, CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        ConsentValidation.RequireConsentId(consentId, nameof(consentId));
        var facts = await ReadOwnedAsync(subject, consentId, nameof(consentId), cancellationToken).ConfigureAwait(false);
        var now = _notifier.TimeProvider.GetUtcNow();
        var status = ConsentHistory.Evaluate(facts, consentId, DateTimeOffset.MaxValue)!.Value;

        if (status.State == ConsentState.Refused)
        {
            throw new InvalidOperationException("The consent was refused, so there is nothing to withdraw.");
        }

        if (status.State == ConsentState.Withdrawn)
        {
            // Idempotent: a retried withdrawal re-announces the change (the first attempt may have failed after the
            // write) and hands back the original receipt.
            var earlier = facts[^1];
            await _notifier.SubjectChangedAsync(subject, cancellationToken).ConfigureAwait(false);

            // The first attempt may have stored the withdrawal and then found the trail down: its event is written now.
            await _notifier.AuditIfMissingAsync(subject, ConsentAudit.For(earlier, status.Terms, "consent.withdrawn"), cancellationToken).ConfigureAwait(false);
            return Result(earlier, "withdrawn", status);
        }

        var fact = new ConsentFact
        {
            FactId = Guid.NewGuid(),
            ConsentId = consentId,
            Subject = subject,
            State = ConsentState.Withdrawn,
            RecordedAt = now,
            Policy = _policies.Current.Version,
            Reason = "withdrawn by the subject",
        };

        // A withdrawal narrows what is permitted: make it durable and visible first, audit after, so an audit outage
        // can never keep a withdrawal from taking effect.
        await _store.AppendAsync(fact, cancellationToken).ConfigureAwait(false);
        await _notifier.SubjectChangedAsync(subject, cancellationToken).ConfigureAwait(false);
        await _notifier.AuditAsync(subject, ConsentAudit.For(fact, status.Terms, "consent.withdrawn"), cancellationToken).ConfigureAwait(false);
        return Result(fact, "withdrawn", status);
    }

    public async ValueTask<ConsentResult> RenewAsync(ConsentRenewalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ConsentValidation.RequireSubject(request.Subject, RequestPrefix + nameof(request.Subject));
        ConsentValidation.RequireConsentId(request.ConsentId, RequestPrefix + nameof(request.ConsentId));
        var facts = await ReadOwnedAsync(request.Subject, request.ConsentId, RequestPrefix + nameof(request.ConsentId), cancellationToken).ConfigureAwait(false);
        var status = ConsentHistory.Evaluate(facts, request.ConsentId, DateTimeOffset.MaxValue)!.Value;
        var earlier = status.Terms
            ?? throw new ArgumentException("The consent has no terms to renew; grant a new consent.", RequestPrefix + nameof(request.ConsentId));

        var now = _notifier.TimeProvider.GetUtcNow();
        var policy = ConsentValidation.ResolveShownPolicy(
            _policies, request.PolicyVersion, request.PolicyContentHash, RequestPrefix + nameof(request.PolicyVersion), RequestPrefix + nameof(request.PolicyContentHash));
        ConsentValidation.RequireFutureExpiry(request.ExpiresAt, now, RequestPrefix + nameof(request.ExpiresAt));
        var terms = earlier with
        {
            SchemaVersion = ConsentTerms.CurrentSchemaVersion,
            CollectionMethod = ConsentValidation.RequiredText(request.CollectionMethod, RequestPrefix + nameof(request.CollectionMethod)),
            Notice = ConsentValidation.OptionalText(request.Notice, RequestPrefix + nameof(request.Notice)) ?? earlier.Notice,
            Language = ConsentValidation.OptionalText(request.Language, RequestPrefix + nameof(request.Language)) ?? earlier.Language,
            EvidenceReference = ConsentValidation.OptionalText(request.EvidenceReference, RequestPrefix + nameof(request.EvidenceReference)),
            ExpiresAt = request.ExpiresAt,
        };

        // changes.notice: what the consent covers must still be declared by the version it is renewed under.
        ConsentValidation.RequireCoveredByPolicy(terms, policy, RequestPrefix);
        var fact = NewFact(request.ConsentId, request.Subject, ConsentState.Given, now, policy.Version, terms);
        return await WriteWideningAsync(fact, "consent.renewed", "renewed", policy, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<ConsentStatus?> GetStatusAsync(SubjectId subject, ConsentId consentId, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        var facts = await ReadAsync(_store.GetConsentFactsAsync(consentId, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (facts.Count == 0 || facts[0].Subject != subject)
        {
            return null;
        }

        return ConsentHistory.Evaluate(facts, consentId, asOf ?? _notifier.TimeProvider.GetUtcNow());
    }

    public async ValueTask<IReadOnlyList<ConsentStatus>> GetStatusesAsync(SubjectId subject, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        var facts = await ReadAsync(_store.GetFactsAsync(subject, cancellationToken), cancellationToken).ConfigureAwait(false);
        return ConsentHistory.EvaluateAll(facts, asOf ?? _notifier.TimeProvider.GetUtcNow());
    }

    public async IAsyncEnumerable<ConsentFact> GetHistoryAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        await foreach (var fact in _store.GetFactsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            yield return fact;
        }
    }

    private async ValueTask<ConsentResult> RecordNewAsync(ConsentRequest request, ConsentState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _notifier.TimeProvider.GetUtcNow();
        ConsentValidation.RequireSubject(request.Subject, RequestPrefix + nameof(request.Subject));
        var policy = ConsentValidation.ResolveShownPolicy(
            _policies, request.PolicyVersion, request.PolicyContentHash, RequestPrefix + nameof(request.PolicyVersion), RequestPrefix + nameof(request.PolicyContentHash));
        ConsentValidation.RequireFutureExpiry(request.ExpiresAt, now, RequestPrefix + nameof(request.ExpiresAt));
        ConsentValidation.RequireDefinedEnums(request.Acts, request.RecipientKind, RequestPrefix);
        var terms = new ConsentTerms
        {
            Purposes = Distinct(request.Purposes),
            Categories = Distinct(request.Categories),
            Acts = Distinct(request.Acts),
            Recipient = request.Recipient,
            RecipientKind = request.RecipientKind,
            Controller = ConsentValidation.RequiredText(request.Controller, RequestPrefix + nameof(request.Controller)),
            CollectionMethod = ConsentValidation.RequiredText(request.CollectionMethod, RequestPrefix + nameof(request.CollectionMethod)),
            Notice = ConsentValidation.OptionalText(request.Notice, RequestPrefix + nameof(request.Notice)),
            Language = ConsentValidation.OptionalText(request.Language, RequestPrefix + nameof(request.Language)),
            EvidenceReference = ConsentValidation.OptionalText(request.EvidenceReference, RequestPrefix + nameof(request.EvidenceReference)),
            ExpiresAt = request.ExpiresAt,
        };
        ConsentValidation.RequireCoveredByPolicy(terms, policy, RequestPrefix);

        var fact = NewFact(ConsentId.New(), request.Subject, state, now, policy.Version, terms);
        if (state == ConsentState.Refused)
        {
            // A refusal permits nothing: store it first, like a withdrawal.
            await _store.AppendAsync(fact, cancellationToken).ConfigureAwait(false);
            await _notifier.SubjectChangedAsync(fact.Subject, cancellationToken).ConfigureAwait(false);
            await _notifier.AuditAsync(fact.Subject, ConsentAudit.For(fact, terms, "consent.refused"), cancellationToken).ConfigureAwait(false);
            return Result(fact, "refused", ConsentHistory.Evaluate([fact], fact.ConsentId, fact.RecordedAt)!.Value);
        }

        return await WriteWideningAsync(fact, "consent.given", "given", policy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A grant or renewal widens what is permitted: it is audited before it is stored, so an audit outage stores
    /// nothing; a failed store write voids the event (<c>consent.given.aborted</c>, <c>consent.renewed.aborted</c>).
    /// </summary>
    private async ValueTask<ConsentResult> WriteWideningAsync(ConsentFact fact, string action, string eventName, PublishedPolicy policy, CancellationToken cancellationToken)
    {
        await _notifier.AuditThenStoreAsync(fact.Subject, ConsentAudit.For(fact, fact.Terms, action), ct => _store.AppendAsync(fact, ct), cancellationToken).ConfigureAwait(false);
        await InvalidateIfSupersededAsync(fact, policy, cancellationToken).ConfigureAwait(false);
        await _notifier.SubjectChangedAsync(fact.Subject, cancellationToken).ConfigureAwait(false);
        return Result(fact, eventName, ConsentHistory.Evaluate([fact], fact.ConsentId, fact.RecordedAt)!.Value);
    }

    /// <summary>
    /// A new version may have been published between the version check and the write, after the publisher scanned the
    /// store: check again, so a grant under the replaced version cannot escape <c>changes.notice</c>.
    /// </summary>
    private async ValueTask InvalidateIfSupersededAsync(ConsentFact fact, PublishedPolicy shown, CancellationToken cancellationToken)
    {
        var current = _policies.Current;
        if (current.Version == shown.Version || fact.Terms is null)
        {
            return;
        }

        var causes = new ConsentImpact(shown.Document, current.Document).Causes(fact.Terms);
        if (causes.Count == 0)
        {
            return;
        }

        var invalidation = ConsentImpact.Invalidation(fact.ConsentId, fact.Subject, current.Version, causes, _notifier.TimeProvider.GetUtcNow());
        await _store.AppendAsync(invalidation, cancellationToken).ConfigureAwait(false);
        await _notifier.AuditAsync(fact.Subject, ConsentAudit.For(invalidation, fact.Terms, "consent.invalidated"), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<List<ConsentFact>> ReadOwnedAsync(SubjectId subject, ConsentId consentId, string paramName, CancellationToken cancellationToken)
    {
        var facts = await ReadAsync(_store.GetConsentFactsAsync(consentId, cancellationToken), cancellationToken).ConfigureAwait(false);

        // Another subject's consent gets the same answer as a missing one, so ids cannot be probed.
        if (facts.Count == 0 || facts[0].Subject != subject)
        {
            throw new ArgumentException("No consent with this id exists for the subject.", paramName);
        }

        return facts;
    }

    private static async ValueTask<List<ConsentFact>> ReadAsync(IAsyncEnumerable<ConsentFact> source, CancellationToken cancellationToken)
    {
        var facts = new List<ConsentFact>();
        await foreach (var fact in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            facts.Add(fact);
        }

        return facts;
    }

    private ConsentResult Result(ConsentFact fact, string eventName, ConsentStatus status)
    {
        var terms = fact.Terms ?? status.Terms!;
        var policy = fact.Terms is null ? status.Policy ?? fact.Policy : fact.Policy;
        return new ConsentResult(fact, ConsentReceipt.Create(fact, eventName, terms, policy, _receiptOptions));
    }

    private static ConsentFact NewFact(ConsentId consentId, SubjectId subject, ConsentState state, DateTimeOffset now, PolicyVersion policy, ConsentTerms terms) => new()
    {
        FactId = Guid.NewGuid(),
        ConsentId = consentId,
        Subject = subject,
        State = state,
        RecordedAt = now,
        Policy = policy,
        Terms = terms,
    };

    private static T[] Distinct<T>(IReadOnlyList<T>? items) => items is null ? [] : [.. items.Distinct()];
}
