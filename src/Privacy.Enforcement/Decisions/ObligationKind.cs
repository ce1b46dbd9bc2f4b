namespace Privacy.Enforcement;

/// <summary>What the host must carry out because of a decision.</summary>
public enum ObligationKind
{
    /// <summary>Record the disclosure in the subject's ledger (<c>store.subject-access</c>).</summary>
    RecordInLedger = 1,

    /// <summary>Obtain an operator's approval before providing the information (<c>disclose.transaction</c>).</summary>
    ObtainOperatorApproval = 2,

    /// <summary>The provider must return or delete what it holds by the deadline (<c>use.third-party.service-end</c>).</summary>
    ReturnOrDelete = 3,

    /// <summary>Report the actor's request as a possible violation (<c>use.no-free-harvesting</c>).</summary>
    ReportViolation = 4,

    /// <summary>Ask the subject to accept the policy version in force (<c>intro.acceptance</c>, <c>changes.notice</c>).</summary>
    ObtainAcceptance = 5,

    /// <summary>Ask the subject to renew a consent that a policy change affected (<c>changes.notice</c>).</summary>
    RenewConsent = 6,

    /// <summary>Limit use to the permitted categories ("all or part").</summary>
    LimitToPermittedCategories = 7,
}
