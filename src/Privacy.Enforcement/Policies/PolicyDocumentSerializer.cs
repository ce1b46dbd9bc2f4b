using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Privacy.Enforcement.Policies.Json;

namespace Privacy.Enforcement.Policies;

/// <summary>
/// Reads and writes JSON policy documents. <see cref="Load(string)"/> returns a validated <see cref="PublishedPolicy"/>
/// or throws a <see cref="PolicyValidationException"/> naming the JSON path of every problem — never a half-loaded policy.
/// Reading is strict and bounded: invalid UTF-8 or UTF-16, a member named twice in one object, and a document or list
/// over a bound of <see cref="PolicyDocumentLimits"/> are errors, found before anything of the document is built.
/// </summary>
public static class PolicyDocumentSerializer
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Loads and validates a JSON policy document.</summary>
    /// <param name="json">The document.</param>
    /// <returns>The validated policy with its version record.</returns>
    /// <exception cref="PolicyValidationException">The JSON is malformed, breaks a bound of <see cref="PolicyDocumentLimits"/>, or the document is invalid.</exception>
    public static PublishedPolicy Load(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return PublishedPolicy.Create(Deserialize(ToUtf8(json)));
    }

    /// <summary>Loads and validates a JSON policy document (UTF-8).</summary>
    /// <param name="utf8Json">The document; read to its end, not closed.</param>
    /// <returns>The validated policy with its version record.</returns>
    /// <exception cref="PolicyValidationException">The JSON is malformed, breaks a bound of <see cref="PolicyDocumentLimits"/>, or the document is invalid.</exception>
    public static PublishedPolicy Load(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        return PublishedPolicy.Create(Deserialize(ReadBounded(utf8Json)));
    }

    /// <summary>Reads a JSON policy document without validating its consistency (the JSON itself must be well formed).</summary>
    /// <param name="json">The document.</param>
    /// <returns>The document as written.</returns>
    /// <exception cref="PolicyValidationException">The JSON is malformed, breaks a bound of <see cref="PolicyDocumentLimits"/>, or misses a required member.</exception>
    public static PolicyDocument Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Deserialize(ToUtf8(json));
    }

    /// <summary>Writes the document as JSON.</summary>
    /// <param name="document">The document.</param>
    /// <param name="indented">Whether to indent (for people and files); the compact form is the canonical one that is hashed.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(PolicyDocument document, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(document);
        var context = indented ? PolicyJsonContext.Indented : PolicyJsonContext.Canonical;
        return JsonSerializer.Serialize(document, context.PolicyDocument);
    }

    /// <summary>Computes the content hash of a document: SHA-256 of its canonical JSON, lower-case hex (<see cref="PolicyVersion.ContentHash"/>).</summary>
    /// <param name="document">The document.</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string ComputeContentHash(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var canonical = JsonSerializer.SerializeToUtf8Bytes(document, PolicyJsonContext.Canonical.PolicyDocument);
        return Convert.ToHexString(SHA256.HashData(canonical)).ToLowerInvariant();
    }

    /// <summary>Creates the published form of a validated document: a private copy read back from its canonical JSON, so the hash always matches what is held.</summary>
    /// <param name="document">The document, already validated.</param>
    /// <returns>The copy and its canonical bytes' hash.</returns>
    internal static (PolicyDocument Copy, string ContentHash) Freeze(PolicyDocument document)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(document, PolicyJsonContext.Canonical.PolicyDocument);
        var copy = JsonSerializer.Deserialize(canonical, PolicyJsonContext.Canonical.PolicyDocument)!;
        return (copy, Convert.ToHexString(SHA256.HashData(canonical)).ToLowerInvariant());
    }

    private static PolicyValidationException TooLarge(string size) => new(
        [new PolicyValidationError("$", $"the document is {size}; a policy document may be at most {PolicyDocumentLimits.MaxDocumentBytes} bytes of UTF-8 ({nameof(PolicyDocumentLimits)}.{nameof(PolicyDocumentLimits.MaxDocumentBytes)})")]);

    /// <summary>Encodes the text strictly: a lone surrogate is an error, never a silent U+FFFD.</summary>
    private static byte[] ToUtf8(string json)
    {
        // Every UTF-16 code unit takes at least one byte: a longer text cannot fit.
        if (json.Length > PolicyDocumentLimits.MaxDocumentBytes)
        {
            throw TooLarge($"{json.Length} characters long");
        }

        try
        {
            return StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException exception)
        {
            throw new PolicyValidationException(
                [new PolicyValidationError("$", $"the text is not valid UTF-16: it holds a lone surrogate at character {exception.Index}")], exception);
        }
    }

    /// <summary>Reads the stream to its end, but never more than one byte past the limit.</summary>
    private static byte[] ReadBounded(Stream utf8Json)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var wanted = (int)Math.Min(chunk.Length, PolicyDocumentLimits.MaxDocumentBytes + 1L - buffer.Length);
            var read = utf8Json.Read(chunk, 0, wanted);
            if (read == 0)
            {
                return buffer.ToArray();
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > PolicyDocumentLimits.MaxDocumentBytes)
            {
                throw TooLarge($"more than {PolicyDocumentLimits.MaxDocumentBytes} bytes long");
            }
        }
    }

    private static PolicyDocument Deserialize(byte[] bytes)
    {
        // A byte-order mark is allowed (editors write one) but is not part of the JSON.
        var utf8 = bytes.AsSpan().StartsWith(Utf8Bom) ? bytes[Utf8Bom.Length..] : bytes;
        if (utf8.Length > PolicyDocumentLimits.MaxDocumentBytes)
        {
            throw TooLarge($"{utf8.Length} bytes long");
        }

        var problems = PolicyJsonGuard.Check(utf8);
        if (problems.Count > 0)
        {
            throw new PolicyValidationException(problems);
        }

        PolicyDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8, PolicyJsonContext.Default.PolicyDocument);
        }
        catch (JsonException exception)
        {
            // A missing required member is reported with the exact path of each member; anything else as the parser saw it.
            var missing = FindMissingRequiredMembers(utf8);
            throw new PolicyValidationException(missing.Count > 0 ? missing : [FromJsonException(exception)], exception);
        }

        return document is null
            ? throw new PolicyValidationException([new PolicyValidationError("$", "the document is null; expected an object")])
            : WithEmptyLists(document);
    }

    // The generated contract leaves an omitted list null rather than running the model's "= []" initializer.
    private static PolicyDocument WithEmptyLists(PolicyDocument d) => d with
    {
        Clauses = d.Clauses ?? [],
        Categories = d.Categories ?? [],
        Purposes = d.Purposes ?? [],
        Recipients = d.Recipients ?? [],
        Services = Each(d.Services, s => s with { NecessaryCategories = s.NecessaryCategories ?? [], Providers = s.Providers ?? [] }),
        Grounds = Each(d.Grounds, g => g with { RecipientKinds = g.RecipientKinds ?? [], RequiredEvidence = g.RequiredEvidence ?? [], Obligations = g.Obligations ?? [] }),
        Rules = Each(d.Rules, r => r with
        {
            Purposes = r.Purposes ?? [],
            Categories = r.Categories ?? [],
            RecipientKinds = r.RecipientKinds ?? [],
            TransferKinds = r.TransferKinds ?? [],
            Acts = r.Acts ?? [],
        }),
    };

    private static T[] Each<T>(IReadOnlyList<T>? items, Func<T, T> fill)
        where T : class =>
        items is null ? [] : [.. items.Select(item => item is null ? item! : fill(item))];

    private static PolicyValidationError FromJsonException(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) && exception.Path is { } path && DescribeExpected(path) is { } expected)
        {
            // The parser names the enclosing record; the member's own type says what would have been accepted.
            message = $"invalid value; {expected}";
        }

        if (exception.LineNumber is { } line)
        {
            message += $" (line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1})";
        }

        return new PolicyValidationError(exception.Path ?? "$", message);
    }

    private static string? DescribeExpected(string path)
    {
        var type = ResolveMemberType(path);
        if (type is null)
        {
            return null;
        }

        type = type.IsGenericType ? type.GetGenericArguments()[0] : type;
        if (type == typeof(DataCategoryFlags))
        {
            return $"expected an array of data category flags ({DataCategoryFlagsJsonConverter.KnownNames})";
        }

        if (!type.IsEnum)
        {
            return null;
        }

        var names = Enum.GetNames(type).Select(n => JsonNamingPolicy.KebabCaseLower.ConvertName(n));
        return $"expected a {type.Name}: one of {string.Join(", ", names)}";
    }

    // Follows a parser path such as $.rules[1].kind through the generated contract to the member's declared type.
    private static Type? ResolveMemberType(string path)
    {
        JsonTypeInfo type = PolicyJsonContext.Default.PolicyDocument;
        Type? member = null;
        foreach (var segment in path.Split('.').Skip(1))
        {
            var name = segment.Split('[')[0];
            var property = type.Kind == JsonTypeInfoKind.Object ? type.Properties.FirstOrDefault(p => p.Name == name) : null;
            if (property is null)
            {
                return null;
            }

            member = property.PropertyType;
            if (segment.Contains('[', StringComparison.Ordinal) && member.IsGenericType)
            {
                type = type.Options.GetTypeInfo(member.GetGenericArguments()[0]);
                member = type.Type;
            }
            else
            {
                type = type.Options.GetTypeInfo(member);
            }
        }

        return member;
    }

    private static List<PolicyValidationError> FindMissingRequiredMembers(byte[] utf8)
    {
        var errors = new List<PolicyValidationError>();
        try
        {
            using var json = JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            Walk(json.RootElement, PolicyJsonContext.Default.PolicyDocument, "$", errors);
        }
        catch (JsonException)
        {
            // Malformed JSON: the serializer's own error says where.
        }

        return errors;
    }

    // Uses the source-generated contract, so the required members checked here are exactly those the model declares.
    private static void Walk(JsonElement element, JsonTypeInfo type, string path, List<PolicyValidationError> errors)
    {
        if (element.ValueKind != JsonValueKind.Object || type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in type.Properties)
        {
            if (!element.TryGetProperty(property.Name, out var value))
            {
                if (property.IsRequired)
                {
                    errors.Add(new PolicyValidationError($"{path}.{property.Name}", "is required"));
                }

                continue;
            }

            // Every list of the model is an IReadOnlyList<T>.
            if (value.ValueKind == JsonValueKind.Array && property.PropertyType.IsGenericType)
            {
                var elementInfo = type.Options.GetTypeInfo(property.PropertyType.GetGenericArguments()[0]);
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Walk(item, elementInfo, $"{path}.{property.Name}[{index++}]", errors);
                }
            }
        }
    }
}
