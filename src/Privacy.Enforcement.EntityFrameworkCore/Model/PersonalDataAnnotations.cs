namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>The model annotations that classify entities and properties.</summary>
internal static class PersonalDataAnnotations
{
    /// <summary>On a property: its data category id.</summary>
    public const string Category = "Privacy:Category";

    /// <summary>On a property: stored encrypted with the subject's data key.</summary>
    public const string Encrypted = "Privacy:Encrypted";

    /// <summary>On an entity type: the member path to the subject id (<c>UserId</c> or <c>Customer.UserId</c>).</summary>
    public const string Subject = "Privacy:Subject";

    /// <summary>On an entity type: what erasure does to its rows.</summary>
    public const string Erasure = "Privacy:Erasure";
}
