namespace Privacy.Enforcement;

/// <summary>The properties of a data category that the policy's rules read.</summary>
[Flags]
public enum DataCategoryFlags
{
    /// <summary>No flag: not personal information the policy restricts on its own.</summary>
    None = 0,

    /// <summary>Can identify the subject (<c>collect.consent</c>).</summary>
    Identifying = 1,

    /// <summary>Can be used to contact the subject (<c>collect.consent</c>, <c>disclose.transaction</c>).</summary>
    ContactCapable = 2,

    /// <summary>Sensitive personal information (PIPL Art. 28, GDPR Art. 9).</summary>
    Sensitive = 4,

    /// <summary>Passwords and secrets: never disclosed, exported or audited in clear (<c>store.account-security</c>).</summary>
    Credential = 8,

    /// <summary>Outside the policy (<c>collect.exempt.search-keywords</c>, <c>collect.exempt.violations</c>).</summary>
    Exempt = 16,
}
