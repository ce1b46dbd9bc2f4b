namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// A legal hold: the host must keep a subject's data (litigation, an authority's order) despite an erasure request.
/// While active, erasure skips the held categories and the answer lists the hold (<c>store.subject-delete</c>).
/// </summary>
public sealed record LegalHold
{
    /// <summary>Gets the hold's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Gets the subject whose data is held.</summary>
    public required SubjectId Subject { get; init; }

    /// <summary>Gets the host's reference to the order or matter (no personal data).</summary>
    public required string Reference { get; init; }

    /// <summary>Gets why the data is held (no personal data).</summary>
    public required string Reason { get; init; }

    /// <summary>Gets the categories held (a category covers those within it); empty holds every category.</summary>
    public IReadOnlyList<DataCategory> Categories { get; init; } = [];

    /// <summary>Gets when it was placed (UTC).</summary>
    public required DateTimeOffset PlacedAt { get; init; }

    /// <summary>Gets when it was released, if it was.</summary>
    public DateTimeOffset? ReleasedAt { get; init; }

    /// <summary>Returns whether erasing <paramref name="category"/> would touch held data: the hold covers it, or holds a category within it.</summary>
    /// <param name="category">The category a source would erase.</param>
    /// <returns><see langword="true"/> when the category must be kept.</returns>
    public bool Restricts(DataCategory category)
    {
        if (Holds(category))
        {
            return true;
        }

        foreach (var held in Categories)
        {
            if (held.IsWithin(category))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether the hold covers a category.</summary>
    /// <param name="category">The category.</param>
    /// <returns><see langword="true"/> when held.</returns>
    public bool Holds(DataCategory category)
    {
        if (Categories.Count == 0)
        {
            return true;
        }

        foreach (var held in Categories)
        {
            if (category.IsWithin(held))
            {
                return true;
            }
        }

        return false;
    }
}
