namespace Privacy.Enforcement.Policies;

/// <summary>
/// The bounds a JSON policy document must keep, so that loading one costs bounded time and memory whatever its
/// source. A document over a bound is rejected with an error naming the bound and the JSON path, before anything of it
/// is built.
/// </summary>
public static class PolicyDocumentLimits
{
    /// <summary>The largest document read, in UTF-8 bytes (1 MiB; the standard policy takes about 20 KiB).</summary>
    public const int MaxDocumentBytes = 1 << 20;

    /// <summary>The most entries any one list of a document may hold (clauses, recipients, rules, a rule's purposes...).</summary>
    /// <remarks>Categories and purposes have the lower bounds <see cref="PolicyDocumentValidator.MaxCategories"/> and <see cref="PolicyDocumentValidator.MaxPurposes"/>.</remarks>
    public const int MaxListItems = 4096;

    /// <summary>The deepest nesting of objects and arrays read (the document itself needs four levels).</summary>
    public const int MaxDepth = 16;
}
