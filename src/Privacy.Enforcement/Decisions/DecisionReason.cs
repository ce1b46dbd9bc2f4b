namespace Privacy.Enforcement;

/// <summary>Machine-readable reasons a decision gives for what it denied or withheld.</summary>
public enum DecisionReason
{
    /// <summary>No reason (used for permitted parts).</summary>
    None = 0,

    /// <summary>No rule of the policy permits the request (<c>store.security</c>: deny by default).</summary>
    NoPermittingRule,

    /// <summary>The subject has not accepted the policy version in force (<c>intro.acceptance</c>).</summary>
    AcceptanceRequired,

    /// <summary>A needed consent is missing (<c>collect.consent</c>, <c>use.third-party.permission</c>, <c>disclose.consent</c>).</summary>
    ConsentMissing,

    /// <summary>The subject refused the needed consent.</summary>
    ConsentRefused,

    /// <summary>The needed consent was withdrawn.</summary>
    ConsentWithdrawn,

    /// <summary>The consent was given after the act it would cover ("obtained your permission in advance").</summary>
    ConsentNotPrior,

    /// <summary>The consent expired.</summary>
    ConsentExpired,

    /// <summary>A new policy version changed what the consent covers; it needs renewal (<c>changes.notice</c>).</summary>
    ConsentNeedsRenewal,

    /// <summary>The subject objected to this use (<c>use.own-marketing</c>).</summary>
    Objected,

    /// <summary>The provider's engagement ended or was terminated (<c>use.third-party.service-end</c>).</summary>
    EngagementEnded,

    /// <summary>No active engagement binds the provider to a service the subject uses (<c>use.third-party.service-provider</c>).</summary>
    NoEngagement,

    /// <summary>The ground's evidence is missing or of the wrong type.</summary>
    EvidenceMissing,

    /// <summary>The ground's evidence contradicts the request (wrong recipient, not fulfilled, unverified complainant...).</summary>
    EvidenceInconsistent,

    /// <summary>The recipient is an unrelated third party (<c>use.third-party.no-trade</c>).</summary>
    RecipientUnrelated,

    /// <summary>The recipient's kind is not allowed for the ground.</summary>
    RecipientNotAllowedForGround,

    /// <summary>Selling, renting or trading personal information (<c>use.third-party.no-trade</c>).</summary>
    TransferKindForbidden,

    /// <summary>The actor's service agreement was terminated (<c>use.violator-termination</c>).</summary>
    ActorSanctioned,

    /// <summary>An actor that is not the application collects, edits, sells or disseminates another subject's information (<c>use.no-free-harvesting</c>).</summary>
    HarvestingForbidden,

    /// <summary>The category is never disclosed (credentials: <c>store.account-security</c>).</summary>
    CategoryNeverDisclosable,

    /// <summary>The category lies outside what the ground, consent or engagement releases ("all or part").</summary>
    CategoryOutsideScope,

    /// <summary>The request names a category the policy does not know.</summary>
    UnknownCategory,

    /// <summary>The request names a purpose the policy does not know.</summary>
    UnknownPurpose,

    /// <summary>The request names a recipient the policy does not know, or with a kind other than its declared one.</summary>
    UnknownRecipient,

    /// <summary>The store written to is operated by neither the application nor an affiliate (<c>store.location</c>).</summary>
    StoreOperatorNotAllowed,

    /// <summary>The application's approval is required and absent (<c>disclose.transaction</c>).</summary>
    ApprovalRequired,

    /// <summary>
    /// The library could not decide: a store fault, timeout, cancellation, audit failure, a malformed request (an
    /// undefined enum value included), or an act dated in the future or before the newest change of the subject's state
    /// (<see cref="PrivacyRequest.OccursAt"/>) (<c>store.security</c>).
    /// </summary>
    Indeterminate,
}
