namespace Privacy.Enforcement.Storage;

/// <summary>
/// A store could not complete an operation. Store implementations translate their provider's exceptions into this
/// type; the message never contains personal data. The decision engine turns it into a Deny (Indeterminate).
/// </summary>
public class PrivacyStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed (no personal data).</param>
    /// <param name="innerException">The provider's exception.</param>
    public PrivacyStoreException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
