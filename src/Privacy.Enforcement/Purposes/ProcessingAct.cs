namespace Privacy.Enforcement;

/// <summary>What is done with personal information.</summary>
public enum ProcessingAct
{
    /// <summary>Collect it from the subject or elsewhere.</summary>
    Collect = 0,

    /// <summary>Use it for a purpose.</summary>
    Use = 1,

    /// <summary>Store it.</summary>
    Store = 2,

    /// <summary>Edit (rectify) it.</summary>
    Edit = 3,

    /// <summary>Erase it.</summary>
    Erase = 4,

    /// <summary>Disclose or transfer it to a recipient.</summary>
    Disclose = 5,
}
