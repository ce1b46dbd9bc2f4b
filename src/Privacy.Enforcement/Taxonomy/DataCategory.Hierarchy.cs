namespace Privacy.Enforcement;

public readonly partial struct DataCategory
{
    /// <summary>Gets the parent category (<c>user.contact</c> for <c>user.contact.phone_number</c>), or the default value for a root.</summary>
    public DataCategory Parent
    {
        get
        {
            var dot = Value.LastIndexOf('.');
            return dot <= 0 ? default : new DataCategory(Value[..dot]);
        }
    }

    /// <summary>Returns whether this category is <paramref name="ancestor"/> or lies within it.</summary>
    /// <param name="ancestor">The candidate ancestor.</param>
    /// <returns><see langword="true"/> when this category equals or is nested in <paramref name="ancestor"/>.</returns>
    public bool IsWithin(DataCategory ancestor)
    {
        var self = Value;
        var other = ancestor.Value;
        if (other.Length == 0 || self.Length < other.Length || !self.StartsWith(other, StringComparison.Ordinal))
        {
            return false;
        }

        return self.Length == other.Length || self[other.Length] == '.';
    }
}
