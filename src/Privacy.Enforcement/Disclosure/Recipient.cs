namespace Privacy.Enforcement;

/// <summary>A recipient of personal information and its kind.</summary>
/// <param name="Id">The recipient's id.</param>
/// <param name="Kind">The recipient's kind. For affiliates, service providers and partners the policy's declared kind wins.</param>
public readonly record struct Recipient(RecipientId Id, RecipientKind Kind)
{
    /// <summary>Creates a recipient from its id text and kind.</summary>
    /// <param name="id">The recipient's id.</param>
    /// <param name="kind">The recipient's kind.</param>
    public Recipient(string id, RecipientKind kind)
        : this(new RecipientId(id), kind)
    {
    }

    /// <summary>Gets the recipient's kind.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="RecipientKind"/>.</exception>
    public RecipientKind Kind { get; init => field = DefinedEnum.Require(value, nameof(Recipient), nameof(Kind)); } = DefinedEnum.Require(Kind, nameof(Recipient), nameof(Kind));
}
