namespace Privacy.Enforcement;

/// <summary>Options of the library, bindable from the <c>PrivacyEnforcement</c> configuration section and validated at start-up.</summary>
public sealed class PrivacyEnforcementOptions
{
    /// <summary>The configuration section the options bind from by default.</summary>
    public const string SectionName = "PrivacyEnforcement";
}
