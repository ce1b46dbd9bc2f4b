namespace Privacy.Enforcement;

/// <summary>
/// The evidence a disclosure request carries for its ground. Each ground has one evidence type; a request whose
/// evidence is missing, of the wrong type, or inconsistent with the request is denied.
/// </summary>
public abstract record DisclosureEvidence
{
    private protected DisclosureEvidence()
    {
    }

    /// <summary>Gets the ground this evidence supports.</summary>
    public abstract DisclosureGround Ground { get; }

    /// <summary>Gets a reference to where the host keeps the underlying document or record (never personal data).</summary>
    public string? Reference { get; init; }
}

/// <summary>Evidence for <see cref="DisclosureGround.Consent"/> (<c>disclose.consent</c>): the consent the host relies on.</summary>
/// <remarks>The consent itself is looked up in the consent store; naming its id pins which record the host relied on.</remarks>
public sealed record ConsentEvidence : DisclosureEvidence
{
    /// <summary>Gets the consent record relied on, when the host names one.</summary>
    public ConsentId? ConsentId { get; init; }

    /// <inheritdoc />
    public override DisclosureGround Ground => DisclosureGround.Consent;
}

/// <summary>Evidence for <see cref="DisclosureGround.ServiceNecessity"/> (<c>disclose.service-necessity</c>).</summary>
/// <param name="Service">The service the subject requires.</param>
/// <param name="ServiceRequestReference">The subject's request of that service this disclosure serves (an order id, a booking).</param>
public sealed record ServiceNecessityEvidence(ServiceId Service, string ServiceRequestReference) : DisclosureEvidence
{
    /// <inheritdoc />
    public override DisclosureGround Ground => DisclosureGround.ServiceNecessity;
}

/// <summary>The kind of institution that requires a disclosure.</summary>
public enum InstitutionKind
{
    /// <summary>An administrative institution.</summary>
    Administrative = 1,

    /// <summary>A judicial institution.</summary>
    Judicial = 2,
}

/// <summary>Evidence for <see cref="DisclosureGround.LegalRequirement"/> (<c>disclose.legal-requirement</c>).</summary>
/// <param name="Institution">Whether the requesting institution is administrative or judicial.</param>
/// <param name="InstitutionName">The requesting institution.</param>
/// <param name="LegalBasis">The legal provision cited.</param>
/// <param name="DocumentReference">The reference of the institution's document (warrant, order, letter).</param>
/// <param name="RequestedCategories">The categories the institution's request names; nothing outside them is released.</param>
public sealed record LegalRequirementEvidence(
    InstitutionKind Institution,
    string InstitutionName,
    string LegalBasis,
    string DocumentReference,
    IReadOnlyList<DataCategory> RequestedCategories) : DisclosureEvidence
{
    /// <summary>Gets whether the requesting institution is administrative or judicial.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="InstitutionKind"/>.</exception>
    public InstitutionKind Institution { get; init => field = DefinedEnum.Require(value, nameof(LegalRequirementEvidence), nameof(Institution)); } =
        DefinedEnum.Require(Institution, nameof(LegalRequirementEvidence), nameof(Institution));

    /// <summary>Gets the categories the institution's request names (a copy of the list given).</summary>
    public IReadOnlyList<DataCategory> RequestedCategories { get; init => field = RequestList.Copy(value); } = RequestList.Copy(RequestedCategories);

    /// <inheritdoc />
    public override DisclosureGround Ground => DisclosureGround.LegalRequirement;
}

/// <summary>Evidence for <see cref="DisclosureGround.UserViolation"/> (<c>disclose.user-violation</c>): a recorded, confirmed violation by the subject.</summary>
/// <param name="Violation">The violation record.</param>
public sealed record UserViolationEvidence(ViolationId Violation) : DisclosureEvidence
{
    /// <inheritdoc />
    public override DisclosureGround Ground => DisclosureGround.UserViolation;
}

/// <summary>Evidence for <see cref="DisclosureGround.IpComplaint"/> (<c>disclose.ip-complaint</c>).</summary>
/// <param name="ComplaintReference">The complaint.</param>
/// <param name="Complainant">The subject who filed the complaint; must be the subject whose data is disclosed.</param>
/// <param name="ComplainantQualified">Whether the application verified the complainant as a qualified IP complainant.</param>
/// <param name="Respondent">The respondent of the complaint; must be the recipient.</param>
/// <param name="RequestedByRespondent">Whether the respondent asked for the disclosure.</param>
public sealed record IpComplaintEvidence(
    string ComplaintReference,
    SubjectId Complainant,
    bool ComplainantQualified,
    RecipientId Respondent,
    bool RequestedByRespondent) : DisclosureEvidence
{
    /// <inheritdoc />
    public override DisclosureGround Ground => DisclosureGround.IpComplaint;
}

/// <summary>How far a party fulfilled its transaction obligations.</summary>
public enum Fulfilment
{
    /// <summary>Nothing fulfilled.</summary>
    None = 0,

    /// <summary>Partly fulfilled.</summary>
    Partial = 1,

    /// <summary>Fully fulfilled.</summary>
    Full = 2,
}

/// <summary>The application's decision to provide information for a transaction (<c>disclose.transaction</c>: "has the right to decide").</summary>
/// <param name="ApprovedBy">The operator or process that approved.</param>
/// <param name="AdditionalCategories">Categories beyond contact information the approval releases; empty for contact only.</param>
public sealed record TransactionApproval(string ApprovedBy, IReadOnlyList<DataCategory> AdditionalCategories)
{
    /// <summary>Gets the categories beyond contact information the approval releases (a copy of the list given).</summary>
    public IReadOnlyList<DataCategory> AdditionalCategories { get; init => field = RequestList.Copy(value); } = RequestList.Copy(AdditionalCategories);
}

/// <summary>Evidence for <see cref="DisclosureGround.Transaction"/> (<c>disclose.transaction</c>).</summary>
/// <param name="TransactionReference">The transaction created on the platform.</param>
/// <param name="Counterparties">The transaction's parties; must include the subject and the recipient.</param>
/// <param name="RequestingParty">The party that requests the disclosure; must be the recipient.</param>
/// <param name="RequestingPartyFulfilment">How far the requesting party fulfilled its obligations; must be partial or full.</param>
/// <param name="Approval">The application's decision to provide; without it the decision is a Deny with an approval obligation.</param>
public sealed record TransactionEvidence(
    string TransactionReference,
    IReadOnlyList<string> Counterparties,
    string RequestingParty,
    Fulfilment RequestingPartyFulfilment,
    TransactionApproval? Approval) : DisclosureEvidence
{
    /// <summary>Gets the transaction's parties (a copy of the list given).</summary>
    public IReadOnlyList<string> Counterparties { get; init => field = RequestList.Copy(value); } = RequestList.Copy(Counterparties);

    /// <summary>Gets how far the requesting party fulfilled its obligations.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="Fulfilment"/>.</exception>
    public Fulfilment RequestingPartyFulfilment { get; init => field = DefinedEnum.Require(value, nameof(TransactionEvidence), nameof(RequestingPartyFulfilment)); } =
        DefinedEnum.Require(RequestingPartyFulfilment, nameof(TransactionEvidence), nameof(RequestingPartyFulfilment));

    /// <inheritdoc />
    public override DisclosureGround Ground => DisclosureGround.Transaction;
}

/// <summary>Evidence for <see cref="DisclosureGround.OtherLegal"/> (<c>disclose.other-legal</c>).</summary>
/// <param name="Provision">The law, regulation or website policy provision cited.</param>
/// <param name="AllowedCategories">The categories the cited provision allows to disclose.</param>
public sealed record OtherLegalEvidence(string Provision, IReadOnlyList<DataCategory> AllowedCategories) : DisclosureEvidence
{
    /// <summary>Gets the categories the cited provision allows to disclose (a copy of the list given).</summary>
    public IReadOnlyList<DataCategory> AllowedCategories { get; init => field = RequestList.Copy(value); } = RequestList.Copy(AllowedCategories);

    /// <inheritdoc />
    public override DisclosureGround Ground => DisclosureGround.OtherLegal;
}
