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
    private SubjectRequest? _lastRequest;

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

    // A copy with the same act, purpose, categories and recipient, for the init-only members a caller then sets.
    private PrivacyRequirement(PrivacyRequirement source)
    {
        _categories = source._categories;
        Act = source.Act;
        Purpose = source.Purpose;
        Recipient = source.Recipient;
        TransferKind = source.TransferKind;
        Evidence = source.Evidence;
        Subject = source.Subject;
        Actor = source.Actor;
        StoreOperator = source.StoreOperator;
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
    /// Gets or sets what names the subject whose information the endpoint handles when that is not the signed-in user:
    /// another user's profile, or the customer a provider's call is about (a route value or a look-up);
    /// <see langword="null"/> (the default) for the signed-in user. A subject other than the signed-in user is acted on
    /// by that user (<see cref="Enforcement.Actor.User"/>) unless <see cref="Actor"/> says who acts, so one user
    /// collecting, editing or passing on another's information is denied (<c>use.no-free-harvesting</c>). A request
    /// whose subject this names as <see langword="null"/> is decided without a subject (a Deny).
    /// </summary>
    public Func<HttpContext, ValueTask<SubjectId?>>? Subject { get; init; }

    /// <summary>
    /// Gets or sets who acts for this endpoint when it is not the application: a service provider or affiliate that
    /// calls with its own credentials (<see cref="Enforcement.Actor.ThirdParty"/>), read from the request and the
    /// signed-in subject (<see langword="null"/> when anonymous). <see langword="null"/> (the default): the application,
    /// in the signed-in subject's own session when the request is about that subject.
    /// </summary>
    public Func<HttpContext, SubjectId?, Actor>? Actor { get; init; }

    /// <summary>
    /// Gets or sets the recipient id of the operator of the store a collection is written to, when it is not the
    /// application (<c>store.location</c>: only the application's or an affiliate's servers); collections only.
    /// </summary>
    public RecipientId? StoreOperator { get; init; }

    /// <summary>
    /// Makes the enforcer's request for <paramref name="subject"/>. The application acts; a signed-in subject's request is
    /// made in that subject's session (<see cref="PrivacyRequest.InSubjectSession"/>), so a user whose service agreement
    /// was terminated is denied (<c>use.violator-termination</c>).
    /// </summary>
    /// <param name="subject">The subject; empty for an anonymous request.</param>
    /// <param name="evidence">The disclosure's evidence.</param>
    /// <returns>The request.</returns>
    public PrivacyRequest CreateRequest(SubjectId subject, DisclosureEvidence? evidence = null) =>
        CreateRequest(subject, Enforcement.Actor.Application, !subject.IsEmpty, evidence);

    /// <summary>A copy whose subject is the route value <paramref name="name"/> (an MVC or page route's <c>{id}</c>).</summary>
    internal PrivacyRequirement WithSubjectFromRoute(string name) => new(this)
    {
        Subject = context => new ValueTask<SubjectId?>(PrivacyRequirements.SubjectFromRoute(context, name)),
    };

    /// <summary>
    /// Gets whether the request is about the signed-in subject, made by the application in that subject's session, with
    /// no evidence to read: the same request serves every call of the same subject.
    /// </summary>
    internal bool IsForSignedInSubject => Subject is null && Actor is null && Evidence is null;

    /// <summary>
    /// The request of <see cref="CreateRequest(SubjectId, DisclosureEvidence?)"/> for a requirement that
    /// <see cref="IsForSignedInSubject"/>, reused while the same subject calls again (requests are immutable).
    /// </summary>
    internal PrivacyRequest RequestFor(SubjectId subject)
    {
        var last = Volatile.Read(ref _lastRequest);
        if (last is not null && last.Subject == subject)
        {
            return last.Request;
        }

        var request = CreateRequest(subject);
        Volatile.Write(ref _lastRequest, new SubjectRequest(subject, request));
        return request;
    }

    /// <summary>Makes the enforcer's request for <paramref name="subject"/> made by <paramref name="actor"/>.</summary>
    internal PrivacyRequest CreateRequest(SubjectId subject, Actor actor, bool inSubjectSession, DisclosureEvidence? evidence) => Act switch
    {
        ProcessingAct.Collect => new CollectionRequest(subject, _categories, Purpose, actor) { InSubjectSession = inSubjectSession, StoreOperator = StoreOperator },
        ProcessingAct.Disclose => new DisclosureRequest(subject, _categories, Purpose, Recipient!.Value, evidence, actor)
        {
            TransferKind = TransferKind, InSubjectSession = inSubjectSession,
        },
        _ => new UseRequest(subject, _categories, Purpose, actor) { UseAct = Act, InSubjectSession = inSubjectSession },
    };
}

/// <summary>A subject and the request made for it, swapped whole so a reader never pairs one subject with another's request.</summary>
internal sealed record SubjectRequest(SubjectId Subject, PrivacyRequest Request);
