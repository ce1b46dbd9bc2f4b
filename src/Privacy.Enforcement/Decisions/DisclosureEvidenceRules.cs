using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement;

/// <summary>The evidence each disclosure ground needs, and the categories it releases ("all or part").</summary>
internal static class DisclosureEvidenceRules
{
    /// <summary>Checks that the evidence carries every field the ground's definition requires (names of the evidence record's properties).</summary>
    public static bool HasRequiredFields(DisclosureEvidence evidence, string[] required)
    {
        foreach (var field in required)
        {
            if (!HasField(evidence, field))
            {
                return false;
            }
        }

        // The fields every ground's evidence needs whatever the definition lists.
        return evidence switch
        {
            ServiceNecessityEvidence e => !e.Service.IsEmpty && Present(e.ServiceRequestReference),
            LegalRequirementEvidence e => Present(e.InstitutionName) && Present(e.LegalBasis) && Present(e.DocumentReference) && e.RequestedCategories is { Count: > 0 },
            UserViolationEvidence e => e.Violation.Value != Guid.Empty,
            IpComplaintEvidence e => Present(e.ComplaintReference) && !e.Complainant.IsEmpty && !e.Respondent.IsEmpty,
            TransactionEvidence e => Present(e.TransactionReference) && e.Counterparties is { Count: > 0 } && Present(e.RequestingParty),
            OtherLegalEvidence e => Present(e.Provision) && e.AllowedCategories is { Count: > 0 },
            _ => true,
        };
    }

    /// <summary>disclose.service-necessity: the subject's service request, a recipient that provides that service, the categories it declares necessary.</summary>
    public static bool ServiceNecessity(ServiceNecessityEvidence evidence, Recipient recipient, in EvaluationContext context, out Bits128 limit, out DecisionReason reason, out bool engagedProvider)
    {
        var policy = context.Policy;
        limit = Bits128.Empty;
        engagedProvider = false;
        if (!policy.ServiceIndex.TryGetValue(evidence.Service.Value, out var service))
        {
            reason = DecisionReason.EvidenceInconsistent;
            return false;
        }

        var declaredProvider = policy.ServiceProviders[service].Contains(recipient.Id.Value);
        engagedProvider = DecisionEvaluator.ActiveEngagement(recipient.Id.Value, service, context, out var engaged);
        if (!declaredProvider && !engagedProvider)
        {
            // The recipient does not provide the service the evidence names.
            reason = DecisionReason.EvidenceInconsistent;
            return false;
        }

        limit = policy.ServiceNecessary[service];
        if (engagedProvider)
        {
            limit &= engaged;
        }

        reason = DecisionReason.None;
        return true;
    }

    /// <summary>The grounds whose limit comes from the evidence itself or from the violation record.</summary>
    public static bool Limit(DisclosureEvidence evidence, CompiledGround ground, DisclosureRequest request, in EvaluationContext context, out Bits128 limit, out DecisionReason reason)
    {
        var policy = context.Policy;
        limit = Bits128.Empty;
        reason = DecisionReason.EvidenceInconsistent;
        switch (evidence)
        {
            case LegalRequirementEvidence legal:
                // disclose.legal-requirement: an authority recipient must be the kind of institution the evidence names.
                if ((request.Recipient.Kind == RecipientKind.AdministrativeAuthority && legal.Institution != InstitutionKind.Administrative) ||
                    (request.Recipient.Kind == RecipientKind.JudicialAuthority && legal.Institution != InstitutionKind.Judicial) ||
                    !Enum.IsDefined(legal.Institution) || !TryMask(policy, legal.RequestedCategories, out limit))
                {
                    return false;
                }

                break;

            case UserViolationEvidence:
                // disclose.user-violation: a recorded, confirmed violation by this subject.
                if (context.Violation is not { } violation)
                {
                    reason = DecisionReason.EvidenceMissing;
                    return false;
                }

                if (violation.Violator != request.Subject || violation.Status != ViolationStatus.Confirmed)
                {
                    return false;
                }

                limit = SubjectSnapshotBuilder.Mask(policy, violation.RelevantCategories);
                break;

            case IpComplaintEvidence complaint:
                // disclose.ip-complaint: the subject filed it and is qualified; the recipient is the respondent and asked.
                if (complaint.Complainant != request.Subject || !complaint.ComplainantQualified ||
                    complaint.Respondent != request.Recipient.Id || !complaint.RequestedByRespondent)
                {
                    return false;
                }

                limit = ground.CategoryLimit == CategoryLimitSource.Flags ? ground.LimitMask : policy.WithFlags(DataCategoryFlags.Identifying | DataCategoryFlags.ContactCapable);
                break;

            case TransactionEvidence transaction:
                // disclose.transaction: subject and recipient are counterparties, the recipient asked and fulfilled, the application approved.
                if (!Contains(transaction.Counterparties, request.Subject.Value) || !Contains(transaction.Counterparties, request.Recipient.Id.Value) ||
                    !string.Equals(transaction.RequestingParty, request.Recipient.Id.Value, StringComparison.Ordinal) ||
                    transaction.RequestingPartyFulfilment is not (Fulfilment.Partial or Fulfilment.Full))
                {
                    return false;
                }

                if (transaction.Approval is not { } approval || !Present(approval.ApprovedBy))
                {
                    reason = DecisionReason.ApprovalRequired;
                    return false;
                }

                limit = ground.CategoryLimit == CategoryLimitSource.Flags ? ground.LimitMask : policy.WithFlags(DataCategoryFlags.ContactCapable);
                if (!TryMask(policy, approval.AdditionalCategories ?? [], out var widened))
                {
                    return false;
                }

                limit |= widened;
                break;

            case OtherLegalEvidence other:
                // disclose.other-legal: the categories the cited provision allows.
                if (!TryMask(policy, other.AllowedCategories, out limit))
                {
                    return false;
                }

                break;

            default:
                reason = DecisionReason.EvidenceMissing;
                return false;
        }

        reason = DecisionReason.None;
        return true;
    }

    private static bool HasField(DisclosureEvidence evidence, string field) => field.ToUpperInvariant() switch
    {
        "REFERENCE" => Present(evidence.Reference),
        "CONSENTID" => evidence is ConsentEvidence { ConsentId: not null },
        "SERVICE" => evidence is ServiceNecessityEvidence e && !e.Service.IsEmpty,
        "SERVICEREQUESTREFERENCE" => evidence is ServiceNecessityEvidence e && Present(e.ServiceRequestReference),
        "INSTITUTION" => evidence is LegalRequirementEvidence e && Enum.IsDefined(e.Institution),
        "INSTITUTIONNAME" => evidence is LegalRequirementEvidence e && Present(e.InstitutionName),
        "LEGALBASIS" => evidence is LegalRequirementEvidence e && Present(e.LegalBasis),
        "DOCUMENTREFERENCE" => evidence is LegalRequirementEvidence e && Present(e.DocumentReference),
        "REQUESTEDCATEGORIES" => evidence is LegalRequirementEvidence { RequestedCategories.Count: > 0 },
        "VIOLATION" => evidence is UserViolationEvidence e && e.Violation.Value != Guid.Empty,
        "COMPLAINTREFERENCE" => evidence is IpComplaintEvidence e && Present(e.ComplaintReference),
        "COMPLAINANT" => evidence is IpComplaintEvidence e && !e.Complainant.IsEmpty,
        "COMPLAINANTQUALIFIED" or "REQUESTEDBYRESPONDENT" or "REQUESTINGPARTYFULFILMENT" => true, // judged as consistency, not presence
        "RESPONDENT" => evidence is IpComplaintEvidence e && !e.Respondent.IsEmpty,
        "TRANSACTIONREFERENCE" => evidence is TransactionEvidence e && Present(e.TransactionReference),
        "COUNTERPARTIES" => evidence is TransactionEvidence { Counterparties.Count: > 0 },
        "REQUESTINGPARTY" => evidence is TransactionEvidence e && Present(e.RequestingParty),
        "APPROVAL" => true, // a missing approval is its own answer: ApprovalRequired with an obligation
        "PROVISION" => evidence is OtherLegalEvidence e && Present(e.Provision),
        "ALLOWEDCATEGORIES" => evidence is OtherLegalEvidence { AllowedCategories.Count: > 0 },
        _ => false,
    };

    private static bool TryMask(CompiledPolicy policy, IReadOnlyList<DataCategory> categories, out Bits128 mask)
    {
        mask = Bits128.Empty;
        foreach (var category in categories)
        {
            if (!policy.CategoryIndex.TryGetValue(category.Value, out var c))
            {
                return false;
            }

            mask |= policy.Within[c];
        }

        return true;
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        foreach (var item in values)
        {
            if (string.Equals(item, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Present(string? value) => !string.IsNullOrWhiteSpace(value);
}
