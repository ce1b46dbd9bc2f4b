namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>
/// Saving was refused before any SQL was sent, and nothing was saved: the collection decision for the classified values
/// being written was a Deny (or withheld some of them). The message names the entity type, purpose, outcome, reasons and
/// clauses, never a subject or a value.
/// </summary>
public sealed class PersonalDataDeniedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public PersonalDataDeniedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused (no personal data).</param>
    public PersonalDataDeniedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused (no personal data).</param>
    /// <param name="innerException">The cause.</param>
    public PersonalDataDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a decision.</summary>
    /// <param name="decision">The decision that refused the save.</param>
    /// <param name="entityType">The entity type whose values were refused.</param>
    public PersonalDataDeniedException(PrivacyDecision decision, string entityType)
        : base($"Saving personal data of {entityType} was refused before anything was written: {decision}.")
    {
        Decision = decision;
        EntityType = entityType;
    }

    /// <summary>Gets the decision that refused the save.</summary>
    public PrivacyDecision Decision { get; }

    /// <summary>Gets the entity type whose classified values were refused.</summary>
    public string? EntityType { get; }
}

/// <summary>
/// A credential property (<c>store.account-security</c>) was about to be stored as something other than a hash of an
/// approved password-hashing scheme at or above current guidance; nothing was saved. Use <see cref="PasswordHashing.Hash(string)"/>.
/// </summary>
public sealed class CredentialNotHashedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CredentialNotHashedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused (never the value).</param>
    public CredentialNotHashedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused (never the value).</param>
    /// <param name="innerException">The cause.</param>
    public CredentialNotHashedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
