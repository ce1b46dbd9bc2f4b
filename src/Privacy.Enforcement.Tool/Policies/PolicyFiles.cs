using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Tool.Output;

namespace Privacy.Enforcement.Tool.Policies;

/// <summary>Reads policy documents named on the command line: a JSON file, or <c>standard</c> for the built-in policy.</summary>
internal static class PolicyFiles
{
    /// <summary>The name that stands for the built-in standard policy instead of a file.</summary>
    public const string Standard = "standard";

    /// <summary>Reads the file's text, or fails with a message that says what to do.</summary>
    public static string ReadText(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ToolException($"The {what} '{path}' does not exist. Check the path{(what == "policy file" ? $", or pass '{Standard}' for the built-in standard policy" : string.Empty)}.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"The {what} '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Loads and validates a policy; an invalid one fails with its errors and the command that lists them all.</summary>
    public static PublishedPolicy Load(string path)
    {
        if (string.Equals(path, Standard, StringComparison.Ordinal))
        {
            return StandardPolicy.Published;
        }

        var text = ReadText(path, "policy file");
        try
        {
            return PolicyDocumentSerializer.Load(text);
        }
        catch (PolicyValidationException ex)
        {
            var first = string.Join(Environment.NewLine, ex.Errors.Take(5).Select(e => "  " + e));
            throw new ToolException($"The policy file '{path}' is invalid ({ex.Errors.Count} error{(ex.Errors.Count == 1 ? string.Empty : "s")}):{Environment.NewLine}{first}{Environment.NewLine}Run 'privacy policy validate {path}' to see every error.", ex);
        }
    }
}
