namespace Privacy.Enforcement;

/// <summary>The purposes the standard policy declares.</summary>
public static class StandardPurposes
{
    /// <summary>Providing the services the subject uses ("to provide you with more accurate and personalized services").</summary>
    public const string ServiceProvision = "service-provision";

    /// <summary>The company's own product and service information in similar products (<c>use.own-marketing</c>).</summary>
    public const string OwnMarketing = "own-marketing";

    /// <summary>Application partners sending information about their products (<c>use.partner-marketing</c>).</summary>
    public const string PartnerMarketing = "partner-marketing";

    /// <summary>Complying with laws and the requirements of institutions.</summary>
    public const string LegalCompliance = "legal-compliance";

    /// <summary>Resolving disputes (transactions, IP complaints).</summary>
    public const string DisputeResolution = "dispute-resolution";

    /// <summary>Keeping accounts and information secure.</summary>
    public const string Security = "security";
}
