using System.Text.Json;

namespace Privacy.Enforcement.Auditing;

/// <summary>Reads stored lines (events and checkpoints) back; strict, so a damaged line is reported, not guessed at.</summary>
internal static class AuditEventJson
{
    public static AuditEvent ParseEvent(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        Expect(ref reader, JsonTokenType.StartObject);
        long? sequence = null;
        DateTimeOffset? timestamp = null, judgedAt = null;
        AuditEventKind? kind = null;
        string? action = null, subject = null, actor = null, recipient = null, recipientKind = null, purpose = null;
        string? ground = null, outcome = null, policyVersion = null, recordId = null, correlationId = null;
        string? previousHash = null, hash = null;
        IReadOnlyList<string> categories = [], permitted = [], evidence = [], reasons = [], clauses = [], obligations = [];
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new FormatException("Expected a property name.");
            }

            var name = reader.GetString()!;
            Read(ref reader);
            switch (name)
            {
                case "sequence":
                    sequence = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : throw new FormatException("'sequence' must be a number.");
                    break;
                case "timestamp":
                    timestamp = AuditHashChain.TryParseTime(RequiredString(ref reader, name), out var ts) ? ts : throw new FormatException("'timestamp' is not a UTC time of the canonical form.");
                    break;
                case "kind":
                    kind = Enum.TryParse<AuditEventKind>(RequiredString(ref reader, name), ignoreCase: false, out var k) && Enum.IsDefined(k) ? k : throw new FormatException("'kind' is not a known event kind.");
                    break;
                case "action": action = NullableString(ref reader, name); break;
                case "subjectPseudonym": subject = NullableString(ref reader, name); break;
                case "actor": actor = NullableString(ref reader, name); break;
                case "recipient": recipient = NullableString(ref reader, name); break;
                case "recipientKind": recipientKind = NullableString(ref reader, name); break;
                case "purpose": purpose = NullableString(ref reader, name); break;
                case "categories": categories = List(ref reader, name); break;
                case "permittedCategories": permitted = List(ref reader, name); break;
                case "ground": ground = NullableString(ref reader, name); break;
                case "evidenceReferences": evidence = List(ref reader, name); break;
                case "outcome": outcome = NullableString(ref reader, name); break;
                case "reasons": reasons = List(ref reader, name); break;
                case "clauseIds": clauses = List(ref reader, name); break;
                case "obligations": obligations = List(ref reader, name); break;
                case "policyVersion": policyVersion = NullableString(ref reader, name); break;
                case "recordId": recordId = NullableString(ref reader, name); break;
                case "correlationId": correlationId = NullableString(ref reader, name); break;
                case "judgedAt":
                    judgedAt = AuditHashChain.TryParseTime(RequiredString(ref reader, name), out var judged) ? judged : throw new FormatException("'judgedAt' is not a UTC time of the canonical form.");
                    break;
                case "previousHash": previousHash = RequiredString(ref reader, name); break;
                case "hash": hash = RequiredString(ref reader, name); break;
                default: throw new FormatException($"Unknown property '{Truncate(name)}'.");
            }
        }

        if (reader.Read())
        {
            throw new FormatException("Unexpected content after the event.");
        }

        return new AuditEvent
        {
            Sequence = sequence ?? throw Missing("sequence"),
            Timestamp = timestamp ?? throw Missing("timestamp"),
            Kind = kind ?? throw Missing("kind"),
            Action = action ?? throw Missing("action"),
            SubjectPseudonym = subject,
            Actor = actor,
            Recipient = recipient,
            RecipientKind = recipientKind,
            Purpose = purpose,
            Categories = categories,
            PermittedCategories = permitted,
            Ground = ground,
            EvidenceReferences = evidence,
            Outcome = outcome,
            Reasons = reasons,
            ClauseIds = clauses,
            Obligations = obligations,
            PolicyVersion = policyVersion,
            RecordId = recordId,
            CorrelationId = correlationId,
            JudgedAt = judgedAt,
            PreviousHash = previousHash ?? throw Missing("previousHash"),
            Hash = hash ?? string.Empty,
        };
    }

    public static AuditCheckpoint ParseCheckpoint(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        Expect(ref reader, JsonTokenType.StartObject);
        long? size = null;
        long chain = 0;
        List<AuditChainSize>? others = null;
        string? head = null, keyId = null, signature = null, previous = null;
        DateTimeOffset? createdAt = null;
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var name = reader.GetString()!;
            Read(ref reader);
            switch (name)
            {
                case "size":
                    size = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : throw new FormatException("'size' must be a number.");
                    break;
                case "headHash": head = RequiredString(ref reader, name); break;
                case "createdAt":
                    createdAt = AuditHashChain.TryParseTime(RequiredString(ref reader, name), out var t) ? t : throw new FormatException("'createdAt' is not a UTC time of the canonical form.");
                    break;
                case "previousCheckpointHash": previous = RequiredString(ref reader, name); break;
                case "chain": chain = RequiredNumber(ref reader, name); break;
                case "otherChains": others = ChainSizes(ref reader); break;
                case "keyId": keyId = NullableString(ref reader, name); break;
                case "signature": signature = NullableString(ref reader, name); break;
                default: throw new FormatException($"Unknown property '{Truncate(name)}'.");
            }
        }

        return new AuditCheckpoint(size ?? throw Missing("size"), head ?? throw Missing("headHash"), createdAt ?? throw Missing("createdAt"), keyId, signature)
        {
            PreviousCheckpointHash = previous,
            Chain = chain,
            OtherChains = others,
        };
    }

    private static long RequiredNumber(ref Utf8JsonReader reader, string name)
        => reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : throw new FormatException($"'{name}' must be a number.");

    /// <summary>Reads <c>otherChains</c>: an array of <c>{"chain":n,"size":n,"headHash":"…"}</c>.</summary>
    private static List<AuditChainSize> ChainSizes(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException("'otherChains' must be an array.");
        }

        var sizes = new List<AuditChainSize>();
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return sizes;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("'otherChains' must hold objects.");
            }

            long? chain = null, size = null;
            string? head = null;
            while (true)
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                var name = reader.GetString()!;
                Read(ref reader);
                switch (name)
                {
                    case "chain": chain = RequiredNumber(ref reader, name); break;
                    case "size": size = RequiredNumber(ref reader, name); break;
                    case "headHash": head = RequiredString(ref reader, name); break;
                    default: throw new FormatException($"Unknown property '{Truncate(name)}' in 'otherChains'.");
                }
            }

            sizes.Add(new AuditChainSize(chain ?? throw Missing("otherChains.chain"), size ?? throw Missing("otherChains.size"), head ?? throw Missing("otherChains.headHash")));
        }
    }

    private static string Truncate(string name) => name.Length <= 40 ? name : name[..40];

    private static FormatException Missing(string name) => new($"Property '{name}' is missing.");

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new FormatException("The line ends before the object does.");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        Read(ref reader);
        if (reader.TokenType != type)
        {
            throw new FormatException($"Expected {type}.");
        }
    }

    private static string RequiredString(ref Utf8JsonReader reader, string name)
        => reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new FormatException($"'{name}' must be a string.");

    private static string? NullableString(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        _ => throw new FormatException($"'{name}' must be a string or null."),
    };

    private static string[] List(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException($"'{name}' must be an array.");
        }

        var values = new List<string>();
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return [.. values];
            }

            values.Add(RequiredString(ref reader, name));
        }
    }
}
