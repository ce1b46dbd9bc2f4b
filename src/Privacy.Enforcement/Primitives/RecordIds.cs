namespace Privacy.Enforcement;

/// <summary>Identifies a consent record (one subject's consent, across all its facts).</summary>
/// <param name="Value">The id.</param>
public readonly record struct ConsentId(Guid Value)
{
    /// <summary>Creates a new random id.</summary>
    /// <returns>The id.</returns>
    public static ConsentId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");
}

/// <summary>Identifies a service engagement.</summary>
/// <param name="Value">The id.</param>
public readonly record struct EngagementId(Guid Value)
{
    /// <summary>Creates a new random id.</summary>
    /// <returns>The id.</returns>
    public static EngagementId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");
}

/// <summary>Identifies a reported violation.</summary>
/// <param name="Value">The id.</param>
public readonly record struct ViolationId(Guid Value)
{
    /// <summary>Creates a new random id.</summary>
    /// <returns>The id.</returns>
    public static ViolationId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");
}

/// <summary>Identifies a data-subject rights request.</summary>
/// <param name="Value">The id.</param>
public readonly record struct SubjectRightsRequestId(Guid Value)
{
    /// <summary>Creates a new random id.</summary>
    /// <returns>The id.</returns>
    public static SubjectRightsRequestId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");
}
