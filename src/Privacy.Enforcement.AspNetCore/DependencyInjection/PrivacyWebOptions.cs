namespace Privacy.Enforcement.AspNetCore;

/// <summary>Options of the ASP.NET Core integration (configuration section <c>PrivacyEnforcement:Web</c>).</summary>
public sealed class PrivacyWebOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "PrivacyEnforcement:Web";

    /// <summary>
    /// Gets or sets the prefix of each problem <c>type</c> URI; the reason follows in kebab case
    /// (<c>urn:privacy-enforcement:deny:consent-missing</c>). Stable across versions: clients may switch on it.
    /// </summary>
    public string ProblemTypePrefix { get; set; } = PrivacyProblemTypes.DefaultPrefix;

    /// <summary>Gets or sets whether <c>Sec-GPC: 1</c> is honoured (on by default; turning it off is for tests of other behaviour).</summary>
    public bool HonorGlobalPrivacyControl { get; set; } = true;

    /// <summary>Gets the purposes a Global Privacy Control signal objects to for a signed-in subject (partner marketing by default).</summary>
    public IList<string> GlobalPrivacyControlPurposes { get; } = [StandardPurposes.PartnerMarketing];

    /// <summary>
    /// Gets or sets how recent the sign-in must be for export and erase (from the <c>auth_time</c> claim or the
    /// authentication properties' issue time); an older one is answered with a challenge. Five minutes by default.
    /// </summary>
    public TimeSpan RecentAuthenticationWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the authentication scheme challenged when the sign-in is not recent; the default scheme when <see langword="null"/>.</summary>
    public string? ReauthenticationScheme { get; set; }

    /// <summary>Gets or sets how many export or erase requests one subject may make per <see cref="SubjectRightsWindow"/> (3 by default).</summary>
    public int SubjectRightsPermitLimit { get; set; } = 3;

    /// <summary>Gets or sets the window of <see cref="SubjectRightsPermitLimit"/> (one hour by default).</summary>
    public TimeSpan SubjectRightsWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the controller named in interchange receipts (Kantara <c>piiControllers</c>, DPV <c>hasDataController</c>).</summary>
    public string ControllerName { get; set; } = "Controller";

    /// <summary>Gets or sets the controller's contact (an e-mail address or URL) named in receipts.</summary>
    public string ControllerContact { get; set; } = "privacy@controller.invalid";

    /// <summary>Gets or sets the controller's postal address named in Kantara receipts.</summary>
    public string ControllerAddress { get; set; } = "Not given";

    /// <summary>Gets or sets the controller's telephone number named in Kantara receipts.</summary>
    public string ControllerPhone { get; set; } = "Not given";
}
