namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>What erasing a subject does to the rows of an entity (<c>store.subject-delete</c>).</summary>
public enum PersonalDataErasure
{
    /// <summary>Delete the subject's rows; a row that holds a category under legal hold is anonymised instead, keeping the held values.</summary>
    DeleteRows = 0,

    /// <summary>Keep the rows (an order a ledger needs) and set the erased classified columns to null (or the type's default when not nullable).</summary>
    Anonymise = 1,
}
