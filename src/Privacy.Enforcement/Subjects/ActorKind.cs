namespace Privacy.Enforcement;

/// <summary>Who makes a request.</summary>
public enum ActorKind
{
    /// <summary>The application itself (the controller).</summary>
    Application = 0,

    /// <summary>An affiliated company of the application.</summary>
    Affiliate = 1,

    /// <summary>The subject acting for itself.</summary>
    Subject = 2,

    /// <summary>A user of the platform acting on another subject's information.</summary>
    User = 3,

    /// <summary>A third party (service provider, partner, or unrelated).</summary>
    ThirdParty = 4,
}
