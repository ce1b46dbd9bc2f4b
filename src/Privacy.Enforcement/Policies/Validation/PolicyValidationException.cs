namespace Privacy.Enforcement.Policies;

/// <summary>
/// Thrown when a policy document is malformed or inconsistent. Nothing of the document is loaded or published:
/// a policy is either valid as a whole or rejected with every problem found.
/// </summary>
public sealed class PolicyValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errors">The problems found; at least one.</param>
    public PolicyValidationException(IReadOnlyList<PolicyValidationError> errors)
        : this(errors, innerException: null)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="errors">The problems found; at least one.</param>
    /// <param name="innerException">The parser's exception, for malformed JSON.</param>
    public PolicyValidationException(IReadOnlyList<PolicyValidationError> errors, Exception? innerException)
        : base(FormatMessage(errors), innerException)
    {
        Errors = errors;
    }

    /// <summary>Gets every problem found, in document order.</summary>
    public IReadOnlyList<PolicyValidationError> Errors { get; }

    private static string FormatMessage(IReadOnlyList<PolicyValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("A policy validation exception needs at least one error.", nameof(errors));
        }

        var lines = errors.Select(e => "  " + e.ToString());
        return $"The policy document is invalid ({errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
