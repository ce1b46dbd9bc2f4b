namespace Privacy.Enforcement.SubjectRights;

/// <summary>The names of the library's own steps in <see cref="SubjectRightsRequest.Steps"/> (sources use their own names).</summary>
public static class SubjectRightsStepNames
{
    /// <summary>Erasure: live consents end with a withdrawal fact.</summary>
    public const string ConsentsWithdraw = "$consents.withdraw";

    /// <summary>Erasure: the subject's data key is destroyed (crypto-shredding).</summary>
    public const string SubjectKey = "$subject-key";

    /// <summary>Erasure: return-or-delete obligations go to the providers of engagements covering the subject.</summary>
    public const string Engagements = "$engagements";

    /// <summary>Erasure: the audit trail records what was erased, under the pseudonym.</summary>
    public const string AuditErasure = "$audit.erasure";

    /// <summary>Erasure: the consent facts are deleted (after the audit step).</summary>
    public const string ConsentsDelete = "$consents.delete";

    /// <summary>Erasure: acceptances and objections are deleted (after the audit step).</summary>
    public const string AcceptancesDelete = "$acceptances.delete";

    /// <summary>Erasure, last: the pseudonym mapping is deleted, so the trail no longer identifies the subject.</summary>
    public const string Pseudonym = "$pseudonym";

    /// <summary>Access: consents, acceptances, objections, engagements and kept records are read.</summary>
    public const string Records = "$records";

    /// <summary>Access: the disclosure ledger is read from the audit trail.</summary>
    public const string DisclosureLedger = "$disclosure-ledger";
}
