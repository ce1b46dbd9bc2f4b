namespace Privacy.Enforcement.Policies;

/// <summary>The fields of each ground's evidence record, by which a <see cref="GroundDefinition.RequiredEvidence"/> names what a request must carry.</summary>
internal static class EvidenceFields
{
    private static readonly Dictionary<DisclosureGround, (string TypeName, string[] Fields)> ByGround = new()
    {
        [DisclosureGround.Consent] = (nameof(ConsentEvidence), [nameof(ConsentEvidence.ConsentId), nameof(DisclosureEvidence.Reference)]),
        [DisclosureGround.ServiceNecessity] = (nameof(ServiceNecessityEvidence),
            [nameof(ServiceNecessityEvidence.Service), nameof(ServiceNecessityEvidence.ServiceRequestReference), nameof(DisclosureEvidence.Reference)]),
        [DisclosureGround.LegalRequirement] = (nameof(LegalRequirementEvidence),
        [
            nameof(LegalRequirementEvidence.Institution), nameof(LegalRequirementEvidence.InstitutionName), nameof(LegalRequirementEvidence.LegalBasis),
            nameof(LegalRequirementEvidence.DocumentReference), nameof(LegalRequirementEvidence.RequestedCategories), nameof(DisclosureEvidence.Reference),
        ]),
        [DisclosureGround.UserViolation] = (nameof(UserViolationEvidence), [nameof(UserViolationEvidence.Violation), nameof(DisclosureEvidence.Reference)]),
        [DisclosureGround.IpComplaint] = (nameof(IpComplaintEvidence),
        [
            nameof(IpComplaintEvidence.ComplaintReference), nameof(IpComplaintEvidence.Complainant), nameof(IpComplaintEvidence.ComplainantQualified),
            nameof(IpComplaintEvidence.Respondent), nameof(IpComplaintEvidence.RequestedByRespondent), nameof(DisclosureEvidence.Reference),
        ]),
        [DisclosureGround.Transaction] = (nameof(TransactionEvidence),
        [
            nameof(TransactionEvidence.TransactionReference), nameof(TransactionEvidence.Counterparties), nameof(TransactionEvidence.RequestingParty),
            nameof(TransactionEvidence.RequestingPartyFulfilment), nameof(TransactionEvidence.Approval), nameof(DisclosureEvidence.Reference),
        ]),
        [DisclosureGround.OtherLegal] = (nameof(OtherLegalEvidence),
            [nameof(OtherLegalEvidence.Provision), nameof(OtherLegalEvidence.AllowedCategories), nameof(DisclosureEvidence.Reference)]),
    };

    /// <summary>Gets the evidence record type name and its fields for a ground.</summary>
    /// <param name="ground">The ground.</param>
    /// <returns>The type name and field names.</returns>
    public static (string TypeName, string[] Fields) For(DisclosureGround ground) => ByGround[ground];
}
