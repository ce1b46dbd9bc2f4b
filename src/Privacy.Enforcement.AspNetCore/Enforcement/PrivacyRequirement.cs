using Microsoft.AspNetCore.Http;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// What an endpoint does with the subject's personal information, asked of the enforcer before its handler runs:
/// collect, use (or store, edit, erase) or disclose to a recipient, for a purpose, the named categories. It is the
/// endpoint metadata that <c>.RequirePrivacy(...)</c> and <see cref="RequirePrivacyAttribute"/> add.
/// </summary>
public sealed class PrivacyRequirement
{
    private readonly DataCategory[] _categories;

    /// <summary>Creates a requirement to collect or use (<paramref name="act"/>) the categories for a purpose.</summary>
    /// <param name="act">The act; <see cref="ProcessingAct.Disclose"/> needs the recipient constructor.</param>
    /// <param name="purpose">The purpose.</param>
    /// <param name="categories">The categories, at least one.</param>
    public PrivacyRequirement(ProcessingAct act, PurposeId purpose, IEnumerable<DataCategory> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        if (!Enum.IsDefined(act))
        {
            throw new ArgumentException($"{nameof(ProcessingAct)} value {(int)act} is not defined.", nameof(act));
        }

        if (act == ProcessingAct.Disclose)
        {
            throw new ArgumentException(
                $"A disclosure names its recipient: use the {nameof(PrivacyRequirement)}(Recipient, PurposeId, categories) constructor.", nameof(act));
        }

        if (purpose.IsEmpty)
        {
            throw new ArgumentException("The purpose of a privacy requirement is empty.", nameof(purpose));
        }

        _categories = [.. categories];
        if (_categories.Length == 0)
        {
            throw new ArgumentException("A privacy requirement names at least one data category.", nameof(categories));
        }

        for (var i = 0; i < _categories.Length; i++)
        {
            if (_categories[i].IsEmpty)
            {
                throw new ArgumentException($"Data category {i} of the privacy requirement is empty.", nameof(categories));
            }
        }

        Act = act;
        Purpose = purpose;
    }

    /// <summary>Creates a requirement to disclose the categories to <paramref name="recipient"/> for a purpose.</summary>
    /// <param name="recipient">The recipient.</param>
    /// <param name="purpose">The purpose.</param>
    /// <param name="categories">The categories, at least one.</param>
    public PrivacyRequirement(Recipient recipient, PurposeId purpose, IEnumerable<DataCategory> categories)
        : this(ProcessingAct.Use, purpose, categories)
    {
        if (recipient.Id.IsEmpty)
        {
            throw new ArgumentException("The recipient of a disclosure requirement is empty.", nameof(recipient));
        }

        Act = ProcessingAct.Disclose;
        Recipient = recipient;
    }

    /// <summary>Gets the act.</summary>
    public ProcessingAct Act { get; }

    /// <summary>Gets the purpose.</summary>
    public PurposeId Purpose { get; }

    /// <summary>Gets the categories the endpoint asks for.</summary>
    public IReadOnlyList<DataCategory> Categories => _categories;

    /// <summary>Gets the recipient, for a disclosure.</summary>
    public Recipient? Recipient { get; }

    /// <summary>Gets or sets how a disclosure transfers the data (share by default; sell, rent or trade is a sale).</summary>
    public TransferKind TransferKind { get; init; }

    /// <summary>
    /// Gets or sets what supplies a disclosure's evidence for this request (the consent relied on, the transaction, the
    /// legal document); <see langword="null"/> discloses without a ground (a service provider under an engagement).
    /// </summary>
    public Func<HttpContext, SubjectId, ValueTask<DisclosureEvidence?>>? Evidence { get; init; }

    /// <summary>
    /// Makes the enforcer's request for <paramref name="subject"/>. The application acts; a signed-in subject's request is
    /// made in that subject's session (<see cref="PrivacyRequest.InSubjectSession"/>), so a user whose service agreement
    /// was terminated is denied (<c>use.violator-termination</c>).
    /// </summary>
    /// <param name="subject">The subject; empty for an anonymous request.</param>
    /// <param name="evidence">The disclosure's evidence.</param>
    /// <returns>The request.</returns>
    public PrivacyRequest CreateRequest(SubjectId subject, DisclosureEvidence? evidence = null)
    {
        var inSession = !subject.IsEmpty;
        return Act switch
        {
            ProcessingAct.Collect => new CollectionRequest(subject, _categories, Purpose) { InSubjectSession = inSession },
            ProcessingAct.Disclose => new DisclosureRequest(subject, _categories, Purpose, Recipient!.Value, evidence)
            {
                TransferKind = TransferKind, InSubjectSession = inSession,
            },
            _ => new UseRequest(subject, _categories, Purpose) { UseAct = Act, InSubjectSession = inSession },
        };
    }
}
