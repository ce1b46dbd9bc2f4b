using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Privacy.Enforcement.Policies.Json;

/// <summary>
/// Reads a policy document's UTF-8 once, token by token and without building anything, before it is deserialised:
/// invalid UTF-8, strings that are not valid UTF-16 (a lone surrogate, escaped or not), a member named twice in one
/// object (the parser would keep the last silently), nesting deeper than <see cref="PolicyDocumentLimits.MaxDepth"/>
/// and lists longer than <see cref="PolicyDocumentLimits.MaxListItems"/> are reported with their JSON path.
/// </summary>
internal static partial class PolicyJsonGuard
{
    /// <summary>The most problems reported for one document; the rest would only repeat them.</summary>
    private const int MaxErrors = 100;

    private const int MaxNameInPath = 64;

    /// <summary>Returns the problems found; empty when the document may be deserialised.</summary>
    /// <param name="utf8">The document, without a byte-order mark.</param>
    public static List<PolicyValidationError> Check(ReadOnlySpan<byte> utf8)
    {
        var errors = new List<PolicyValidationError>();
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            errors.Add(new PolicyValidationError("$", $"the document is not valid UTF-8: an invalid byte sequence starts at byte offset {FirstInvalidByte(utf8)}"));
            return errors;
        }

        var stack = new List<Frame>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = PolicyDocumentLimits.MaxDepth + 2 });
        try
        {
            while (errors.Count < MaxErrors && reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        var path = ValuePath(stack, errors);
                        if (stack.Count >= PolicyDocumentLimits.MaxDepth)
                        {
                            errors.Add(new PolicyValidationError(path, $"nests deeper than {PolicyDocumentLimits.MaxDepth} levels of objects and arrays, the most a policy document may ({nameof(PolicyDocumentLimits)}.{nameof(PolicyDocumentLimits.MaxDepth)})"));
                            return errors;
                        }

                        stack.Add(new Frame(path, reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.RemoveAt(stack.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var frame = stack[^1];
                        if (!TryGetString(ref reader, out var name, out var problem))
                        {
                            errors.Add(new PolicyValidationError(frame.Path, $"a member name is not valid text: {problem}"));
                            name = string.Empty;
                        }
                        else if (!(frame.Names ??= new HashSet<string>(StringComparer.Ordinal)).Add(name))
                        {
                            errors.Add(new PolicyValidationError(MemberPath(frame.Path, name), $"duplicate member '{Shorten(name)}'; a member may appear only once in an object (the parser would silently keep the last)"));
                        }

                        frame.Member = name;
                        break;
                    case JsonTokenType.String:
                        var stringPath = ValuePath(stack, errors);
                        if (!TryGetString(ref reader, out _, out var textProblem))
                        {
                            errors.Add(new PolicyValidationError(stringPath, $"is not valid UTF-16/UTF-8 text: {textProblem}"));
                        }

                        break;
                    default:
                        ValuePath(stack, errors);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the deserialiser reports it with its line and position.
        }

        return errors;
    }

    /// <summary>Returns the path of the value the reader is on, counting it against its list's limit.</summary>
    private static string ValuePath(List<Frame> stack, List<PolicyValidationError> errors)
    {
        if (stack.Count == 0)
        {
            return "$";
        }

        var parent = stack[^1];
        if (!parent.IsArray)
        {
            return MemberPath(parent.Path, parent.Member ?? string.Empty);
        }

        var index = parent.Count++;
        if (index == PolicyDocumentLimits.MaxListItems)
        {
            errors.Add(new PolicyValidationError(parent.Path, $"holds more than {PolicyDocumentLimits.MaxListItems} entries, the most a policy list may hold ({nameof(PolicyDocumentLimits)}.{nameof(PolicyDocumentLimits.MaxListItems)})"));
        }

        return $"{parent.Path}[{index}]";
    }

    private static bool TryGetString(ref Utf8JsonReader reader, out string value, out string problem)
    {
        try
        {
            value = reader.GetString() ?? string.Empty;
            problem = string.Empty;
            return true;
        }
        catch (InvalidOperationException exception)
        {
            // Escapes that decode to a lone surrogate (\uD800) or text that does not transcode.
            value = string.Empty;
            problem = exception.Message;
            return false;
        }
    }

    private static string MemberPath(string parent, string name) =>
        SimpleName().IsMatch(name) ? $"{parent}.{name}" : $"{parent}['{Shorten(name).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

    private static string Shorten(string name) => name.Length <= MaxNameInPath ? name : name[..MaxNameInPath] + "...";

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length)
        {
            if (Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleName();

    private sealed class Frame(string path, bool isArray)
    {
        public string Path { get; } = path;

        public bool IsArray { get; } = isArray;

        public int Count { get; set; }

        public string? Member { get; set; }

        public HashSet<string>? Names { get; set; }
    }
}
