namespace Privacy.Enforcement.Tool.Output;

/// <summary>The exit codes every command shares.</summary>
internal static class ExitCodes
{
    /// <summary>Everything checked passed.</summary>
    public const int Ok = 0;

    /// <summary>A check failed: an invalid policy, a failing test case, a trail that does not verify.</summary>
    public const int Failed = 1;

    /// <summary>A usage error or a bad input (a missing file, malformed YAML); for <c>policy diff</c> also "consents need renewal".</summary>
    public const int UsageError = 2;
}
