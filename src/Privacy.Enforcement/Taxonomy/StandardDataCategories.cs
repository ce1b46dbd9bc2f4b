namespace Privacy.Enforcement;

/// <summary>The standard taxonomy's category ids, modelled on the fideslang <c>user.*</c> keys where they fit.</summary>
public static class StandardDataCategories
{
    /// <summary>All information about the user (the root).</summary>
    public const string User = "user";

    /// <summary>The user's name (identifying).</summary>
    public const string Name = "user.name";

    /// <summary>Ways to contact the user (contact-capable).</summary>
    public const string Contact = "user.contact";

    /// <summary>E-mail address.</summary>
    public const string Email = "user.contact.email";

    /// <summary>Phone number.</summary>
    public const string Phone = "user.contact.phone";

    /// <summary>Postal address.</summary>
    public const string Address = "user.contact.address";

    /// <summary>Government-issued identifiers (identifying, sensitive).</summary>
    public const string GovernmentId = "user.government_id";

    /// <summary>The user's account.</summary>
    public const string Account = "user.account";

    /// <summary>The account's username (identifying).</summary>
    public const string Username = "user.account.username";

    /// <summary>Secrets that authenticate the user (credential: never disclosed, exported or audited in clear).</summary>
    public const string Authorization = "user.authorization";

    /// <summary>Tokens, keys and other credentials.</summary>
    public const string Credentials = "user.authorization.credentials";

    /// <summary>The password (stored only as a hash: <c>store.account-security</c>).</summary>
    public const string Password = "user.authorization.password";

    /// <summary>Where the user is or was (sensitive: whereabouts).</summary>
    public const string Location = "user.location";

    /// <summary>Information about the user's devices.</summary>
    public const string Device = "user.device";

    /// <summary>A device identifier (identifying).</summary>
    public const string DeviceId = "user.device.device_id";

    /// <summary>An IP address (identifying).</summary>
    public const string IpAddress = "user.device.ip_address";

    /// <summary>Payment instruments and financial accounts (identifying, sensitive).</summary>
    public const string Payment = "user.payment";

    /// <summary>What the user does in the application.</summary>
    public const string Behavior = "user.behavior";

    /// <summary>Search keywords: outside the policy (<c>collect.exempt.search-keywords</c>).</summary>
    public const string SearchKeywords = "user.behavior.search_keywords";

    /// <summary>Purchases and orders.</summary>
    public const string PurchaseHistory = "user.behavior.purchase_history";

    /// <summary>Content the user provides (posts, messages, reviews).</summary>
    public const string Content = "user.content";

    /// <summary>Records of the user's violations and the measures taken: outside the policy (<c>collect.exempt.violations</c>).</summary>
    public const string Violations = "user.violations";

    /// <summary>Sensitive personal information (PIPL Art. 28, GDPR Art. 9).</summary>
    public const string Sensitive = "user.sensitive";

    /// <summary>Biometric data.</summary>
    public const string Biometric = "user.sensitive.biometric";

    /// <summary>Health and medical data.</summary>
    public const string Health = "user.sensitive.health";
}
