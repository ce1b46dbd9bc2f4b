namespace Privacy.Enforcement.Policies;

/// <summary>One problem of a policy document: where it is (a JSON path such as <c>$.rules[3].clause</c>) and what is wrong.</summary>
/// <param name="Path">The JSON path of the offending value; the same path for a document built in code.</param>
/// <param name="Message">What is wrong, naming the id or clause concerned.</param>
public sealed record PolicyValidationError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
