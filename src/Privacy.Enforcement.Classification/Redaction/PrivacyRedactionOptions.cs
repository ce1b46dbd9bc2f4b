namespace Privacy.Enforcement.Classification;

/// <summary>How the values of a group of data categories are redacted in logs.</summary>
public enum PrivacyRedactionMode
{
    /// <summary>Erased: nothing of the value is written.</summary>
    Erase = 0,

    /// <summary>Replaced by a keyed HMAC: the same value gives the same text (so log lines can be correlated), and no one without the key can test a guess.</summary>
    Hmac = 1,
}

/// <summary>Configures the redactors registered per category flag by <c>SetPrivacyRedactors</c>.</summary>
public sealed class PrivacyRedactionOptions
{
    /// <summary>The fewest key bytes the HMAC redactor accepts.</summary>
    public const int MinimumHmacKeyBytes = 32;

    /// <summary>Gets or sets the HMAC key, base64 of at least <see cref="MinimumHmacKeyBytes"/> random bytes; required when any category is hashed.</summary>
    public string? HmacKey { get; set; }

    /// <summary>Gets or sets the id of <see cref="HmacKey"/>, written with each hash so a key can be rotated.</summary>
    public int HmacKeyId { get; set; }

    /// <summary>Gets or sets how contact-capable categories (<see cref="DataCategoryFlags.ContactCapable"/>) are redacted; hashed by default.</summary>
    public PrivacyRedactionMode ContactCategories { get; set; } = PrivacyRedactionMode.Hmac;

    /// <summary>Gets or sets how every other category (neither credential nor contact-capable) is redacted; erased by default.</summary>
    public PrivacyRedactionMode OtherCategories { get; set; } = PrivacyRedactionMode.Erase;

    /// <summary>
    /// Gets or sets a value indicating whether a classification no redactor is registered for (a category outside the
    /// policy, another taxonomy) is erased; on by default, so an unknown classification never reaches a log in clear.
    /// </summary>
    public bool EraseUnknownClassifications { get; set; } = true;
}
