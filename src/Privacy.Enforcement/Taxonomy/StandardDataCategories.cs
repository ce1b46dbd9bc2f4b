namespace Privacy.Enforcement;

/// <summary>
/// The standard taxonomy's category ids: the fideslang default taxonomy's <c>user.*</c> keys (release 3.1.1), so data
/// labelled for Fides needs no mapping, and the library's own categories under <see cref="Extensions"/>
/// (<c>user.x_privacy</c>). The standard policy declares every fideslang <c>user.*</c> key; the constants here name
/// those its rules and services refer to.
/// </summary>
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

    /// <summary>Phone number (fideslang <c>user.contact.phone_number</c>; before: <c>user.contact.phone</c>).</summary>
    public const string Phone = "user.contact.phone_number";

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

    /// <summary>Search keywords and history: outside the policy (<c>collect.exempt.search-keywords</c>; before: <c>user.behavior.search_keywords</c>).</summary>
    public const string SearchKeywords = "user.behavior.search_history";

    /// <summary>Purchases and orders.</summary>
    public const string PurchaseHistory = "user.behavior.purchase_history";

    /// <summary>Content the user provides (posts, messages, reviews).</summary>
    public const string Content = "user.content";

    /// <summary>
    /// The library's own categories, which fideslang has no key for. The <c>x_</c> prefix marks a private extension (as
    /// <c>X-</c> headers and <c>x-</c> OpenAPI fields do): no fideslang key begins with it, so a future fideslang key
    /// cannot collide with one of these, and a Fides user sees at once which keys are not fideslang's.
    /// </summary>
    public const string Extensions = "user.x_privacy";

    /// <summary>Records of the user's violations and the measures taken: outside the policy (<c>collect.exempt.violations</c>; before: <c>user.violations</c>).</summary>
    public const string Violations = "user.x_privacy.violations";

    /// <summary>Biometric data (fideslang <c>user.biometric</c>; before: <c>user.sensitive.biometric</c>). Sensitive by its flags.</summary>
    public const string Biometric = "user.biometric";

    /// <summary>Health and medical data (fideslang <c>user.health_and_medical</c>; before: <c>user.sensitive.health</c>). Sensitive by its flags.</summary>
    public const string Health = "user.health_and_medical";

    /// <summary>Financial accounts and cards (fideslang <c>user.financial</c>).</summary>
    public const string Financial = "user.financial";

    /// <summary>Gets the ids the standard taxonomy used before it took the fideslang keys, each with the id(s) that replace it.</summary>
    /// <remarks>
    /// <c>user.sensitive</c> grouped biometric and health data; fideslang has no such grouping (sensitivity is the
    /// category's <see cref="DataCategoryFlags.Sensitive"/> flag), so what covered it now covers both. The stores
    /// rewrite stored facts with this table (schema migration 5); a host's own policy document can be moved the same way.
    /// </remarks>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> FormerIds { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["user.contact.phone"] = [Phone],
        ["user.behavior.search_keywords"] = [SearchKeywords],
        ["user.violations"] = [Violations],
        ["user.sensitive"] = [Biometric, Health],
        ["user.sensitive.biometric"] = [Biometric],
        ["user.sensitive.health"] = [Health],
    };
}
