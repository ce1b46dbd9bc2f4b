using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Privacy.Enforcement.Auditing;

// Why one type of about 470 lines: this is the canonical form of stored audit events and checkpoints, a format written
// trails, checkpoint files and external anchors depend on. Every byte of it (property order, escaping, time format, hash
// input) is written here, so a change to the format shows in one file; the golden vectors in the tests pin it.
/// <summary>
/// The canonical form of audit events and checkpoints and the hash chain over them:
/// <c>hash_i = SHA-256(raw bytes of hash_(i-1) || canonical JSON of event_i)</c>, with <see cref="GenesisHash"/> before
/// the first event, hashes written as lower-case hex.
/// </summary>
/// <remarks>
/// The canonical JSON of an event is UTF-8 without insignificant whitespace, with every property always present in a
/// fixed order (<c>sequence, timestamp, kind, action, subjectPseudonym, actor, recipient, recipientKind, purpose,
/// categories, permittedCategories, ground, evidenceReferences, outcome, reasons, clauseIds, obligations,
/// policyVersion, recordId, correlationId, previousHash</c>; <c>judgedAt</c> follows <c>correlationId</c> only when the
/// event has one), <see langword="null"/> for absent values, the kind by its
/// name, times in UTC in the round-trip format as <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>, and strings escaped by the
/// rule of <see cref="CanonicalJson"/> (every character outside printable ASCII, and the HTML-sensitive ones, as
/// <c>\uXXXX</c>). <see cref="AuditEvent.Hash"/> is not part of it; a stored line of the
/// JSON Lines trail is the canonical JSON with <c>"hash"</c> appended as the last property.
/// </remarks>
public static class AuditHashChain
{
    /// <summary>The hash before the first event: 64 zeros.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    internal const int HashHexLength = 64;

    private static ReadOnlySpan<byte> HashMember => ",\"hash\":\""u8;

    private static ReadOnlySpan<byte> SequenceMember => "{\"sequence\":"u8;

    private static ReadOnlySpan<byte> PreviousHashMember => ",\"previousHash\":\""u8;

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Returns the canonical JSON (UTF-8) of an event, without its hash.</summary>
    /// <param name="auditEvent">The event.</param>
    /// <returns>The canonical bytes.</returns>
    internal static byte[] GetCanonicalJson(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var scratch = Scratch.Rent();
        WriteCanonical(scratch.Writer, auditEvent, includeHash: false);
        return scratch.Buffer.WrittenSpan.ToArray();
    }

    /// <summary>Computes an event's hash from the previous hash and the event's canonical JSON.</summary>
    /// <param name="previousHash">The previous event's hash (<see cref="GenesisHash"/> for the first).</param>
    /// <param name="auditEvent">The event; its <see cref="AuditEvent.PreviousHash"/> should equal <paramref name="previousHash"/>.</param>
    /// <returns>The hash, lower-case hex.</returns>
    /// <exception cref="FormatException"><paramref name="previousHash"/> is not 64 hex digits.</exception>
    internal static string ComputeHash(string previousHash, AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentNullException.ThrowIfNull(auditEvent);
        return ComputeHash(previousHash, auditEvent, auditEvent.Sequence, auditEvent.PreviousHash);
    }

    /// <summary>Seals an event: assigns its sequence number and previous hash and computes its hash.</summary>
    /// <param name="auditEvent">The event.</param>
    /// <param name="sequence">Its sequence number (from 1).</param>
    /// <param name="previousHash">The previous event's hash.</param>
    /// <returns>The sealed copy.</returns>
    internal static AuditEvent Seal(AuditEvent auditEvent, long sequence, string previousHash) => Seal(auditEvent, sequence, previousHash, body: null);

    /// <summary>Seals an event whose canonical body (<see cref="GetBody"/>) may already be prepared.</summary>
    internal static AuditEvent Seal(AuditEvent auditEvent, long sequence, string previousHash, byte[]? body)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);

        // A body not prepared by the caller (asynchronous mode: the writer seals) is written into a per-thread buffer,
        // not a new array: the same bytes GetBody returns.
        var scratch = Scratch.Rent();
        ReadOnlySpan<byte> bodyBytes = body is not null ? body : WriteBody(scratch, auditEvent);

        // The hashed bytes: the previous hash's 32 bytes, then {"sequence":n<body>,"previousHash":"<hex>"}: exactly
        // what WriteCanonical writes, assembled without serialising the event again.
        var output = scratch.Buffer;
        WritePreviousHashBytes(scratch, previousHash);
        Append(output, SequenceMember);
        var digits = output.GetSpan(20);
        if (!System.Buffers.Text.Utf8Formatter.TryFormat(sequence, digits, out var written))
        {
            throw new FormatException("The sequence number could not be written.");
        }

        output.Advance(written);
        Append(output, bodyBytes);
        Append(output, PreviousHashMember);
        var hex = output.GetSpan(HashHexLength);
        for (var i = 0; i < HashHexLength; i++)
        {
            hex[i] = (byte)previousHash[i];
        }

        output.Advance(HashHexLength);
        Append(output, "\"}"u8);
        Span<byte> digest = stackalloc byte[32];
        var sha256 = scratch.Sha256;
        sha256.AppendData(output.WrittenSpan);
        sha256.GetHashAndReset(digest);
        var hash = ToLowerHex(digest);
        scratch.Remember(hash, digest);

        // The stored line is the hashed JSON with the hash as its last member: "...}" becomes "...,"hash":"<hex>"}".
        var canonical = output.WrittenSpan[32..];
        var line = new byte[canonical.Length - 1 + HashMember.Length + HashHexLength + 2];
        canonical[..^1].CopyTo(line);
        var at = canonical.Length - 1;
        HashMember.CopyTo(line.AsSpan(at));
        at += HashMember.Length;
        for (var i = 0; i < HashHexLength; i++)
        {
            line[at + i] = (byte)hash[i];
        }

        line[^2] = (byte)'"';
        line[^1] = (byte)'}';
        var sealedEvent = auditEvent with { Sequence = sequence, PreviousHash = previousHash, Hash = hash };
        sealedEvent.KeepSealedLine(line);
        return sealedEvent;
    }

    private static void Append(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    /// <summary>
    /// Returns the bytes a checkpoint signature covers: the canonical JSON
    /// <c>{"size":n,"headHash":"…","createdAt":"…","previousCheckpointHash":"…","keyId":…}</c>, the chain link left out
    /// when it is <see langword="null"/> (a legacy checkpoint keeps the bytes it was signed over); a checkpoint of a trail
    /// kept as several chains has <c>"chain":n</c> (when not 0) and
    /// <c>"otherChains":[{"chain":n,"size":n,"headHash":"…"},…]</c> (when set) before <c>keyId</c>.
    /// </summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The payload.</returns>
    internal static byte[] GetCheckpointPayload(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var scratch = Scratch.Rent();
        WriteCheckpoint(scratch.Writer, checkpoint, includeSignature: false);
        return scratch.Buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Returns a checkpoint's hash, the link the next checkpoint carries: SHA-256 of <see cref="GetCheckpointPayload"/>
    /// (its signature left out, so that a re-signed checkpoint keeps its place), lower-case hex.
    /// </summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The hash.</returns>
    internal static string GetCheckpointHash(AuditCheckpoint checkpoint)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(GetCheckpointPayload(checkpoint), digest);
        return ToLowerHex(digest);
    }

    /// <summary>Signs a checkpoint.</summary>
    /// <param name="checkpoint">The checkpoint (its key id and signature are replaced).</param>
    /// <param name="signer">The signer.</param>
    /// <returns>The signed checkpoint.</returns>
    internal static AuditCheckpoint Sign(AuditCheckpoint checkpoint, IAuditCheckpointSigner signer)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(signer);
        var unsigned = checkpoint with { KeyId = signer.KeyId, Signature = null };
        return unsigned with { Signature = Convert.ToBase64String(signer.Sign(GetCheckpointPayload(unsigned))) };
    }

    /// <summary>Hashes the previous hash's 32 bytes followed by the canonical JSON, in one buffer and one pass.</summary>
    private static string ComputeHash(string previousHash, AuditEvent e, long sequence, string eventPreviousHash)
    {
        Span<byte> digest = stackalloc byte[32];
        HashInto(Scratch.Rent(), previousHash, e, sequence, eventPreviousHash, digest);
        return ToLowerHex(digest);
    }

    /// <summary>Leaves the previous hash's bytes and the canonical JSON in <paramref name="scratch"/> and their SHA-256 in <paramref name="digest"/>.</summary>
    private static void HashInto(Scratch scratch, string previousHash, AuditEvent e, long sequence, string eventPreviousHash, Span<byte> digest)
    {
        WritePreviousHashBytes(scratch, previousHash);
        WriteCanonical(scratch.Writer, e, sequence, eventPreviousHash, hash: null);

        // One hash object per thread, reset after each use: cheaper than a one-shot hash's set-up per event.
        var sha256 = scratch.Sha256;
        sha256.AppendData(scratch.Buffer.WrittenSpan);
        sha256.GetHashAndReset(digest);
    }

    /// <summary>Writes the previous hash's 32 bytes at the start of <paramref name="scratch"/>, checking it is 64 lower-case hex digits.</summary>
    /// <remarks>A thread sealing several events in a row seals each on the hash it just made: that hash's bytes are kept, not parsed back from hex.</remarks>
    private static void WritePreviousHashBytes(Scratch scratch, string previousHash)
    {
        var previous = scratch.Buffer.GetSpan(32);
        if (ReferenceEquals(previousHash, scratch.LastHash))
        {
            scratch.LastDigest.CopyTo(previous);
            scratch.Buffer.Advance(32);
            return;
        }

        if (previousHash.Length != HashHexLength)
        {
            throw new FormatException("A previous hash must be 64 hex digits.");
        }

        for (var i = 0; i < 32; i++)
        {
            var high = HexValue(previousHash[2 * i]);
            var low = HexValue(previousHash[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                throw new FormatException("A previous hash must be 64 hex digits.");
            }

            previous[i] = (byte)((high << 4) | low);
        }

        scratch.Buffer.Advance(32);
    }

    /// <summary>Writes one stored line (canonical JSON with the hash appended, then <c>\n</c>).</summary>
    internal static void WriteLine(IBufferWriter<byte> output, AuditEvent auditEvent)
    {
        ReadOnlySpan<byte> line;
        if (auditEvent.SealedLineBytes is { } sealedLine)
        {
            line = sealedLine; // written while sealing: the same bytes, no second serialisation
        }
        else
        {
            var scratch = Scratch.Rent();
            WriteCanonical(scratch.Writer, auditEvent, includeHash: true);
            line = scratch.Buffer.WrittenSpan;
        }

        var span = output.GetSpan(line.Length + 1);
        line.CopyTo(span);
        span[line.Length] = (byte)'\n';
        output.Advance(line.Length + 1);
    }

    /// <summary>Returns the stored line of an event, without the trailing newline.</summary>
    internal static byte[] GetLine(AuditEvent auditEvent)
    {
        var scratch = Scratch.Rent();
        WriteCanonical(scratch.Writer, auditEvent, includeHash: true);
        return scratch.Buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Returns a checkpoint's stored line (without the newline): its canonical JSON with the signature as the last member,
    /// as the checkpoint file holds it and as <c>privacy audit verify --anchor</c> reads it.
    /// </summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The line, UTF-8.</returns>
    public static byte[] GetCheckpointLine(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var scratch = Scratch.Rent();
        WriteCheckpoint(scratch.Writer, checkpoint, includeSignature: true);
        return scratch.Buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a checkpoint's stored line (<see cref="GetCheckpointLine"/>).</summary>
    /// <param name="line">The line, UTF-8, without the newline.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="FormatException">The line is not a checkpoint.</exception>
    public static AuditCheckpoint ParseCheckpointLine(ReadOnlySpan<byte> line)
    {
        try
        {
            return AuditEventJson.ParseCheckpoint(line);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new FormatException("The line is not a valid checkpoint: " + ex.Message, ex);
        }
    }

    internal static void WriteCanonical(Utf8JsonWriter writer, AuditEvent e, bool includeHash)
        => WriteCanonical(writer, e, e.Sequence, e.PreviousHash, includeHash ? e.Hash : null);

    private static void WriteCanonical(Utf8JsonWriter writer, AuditEvent e, long sequence, string previousHash, string? hash)
    {
        writer.WriteStartObject();
        writer.WriteNumber("sequence"u8, sequence);
        WriteBodyMembers(writer, e);
        CanonicalJson.WriteString(writer, "previousHash"u8, previousHash);
        if (hash is not null)
        {
            CanonicalJson.WriteString(writer, "hash"u8, hash);
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>The members between <c>sequence</c> and <c>previousHash</c>: everything the writer does not assign.</summary>
    private static void WriteBodyMembers(Utf8JsonWriter writer, AuditEvent e)
    {
        WriteTime(writer, "timestamp"u8, e.Timestamp);
        CanonicalJson.WriteString(writer, "kind"u8, e.Kind.ToString());
        WriteNullable(writer, "action"u8, e.Action);
        WriteNullable(writer, "subjectPseudonym"u8, e.SubjectPseudonym);
        WriteNullable(writer, "actor"u8, e.Actor);
        WriteNullable(writer, "recipient"u8, e.Recipient);
        WriteNullable(writer, "recipientKind"u8, e.RecipientKind);
        WriteNullable(writer, "purpose"u8, e.Purpose);
        WriteList(writer, "categories"u8, e.Categories);
        WriteList(writer, "permittedCategories"u8, e.PermittedCategories);
        WriteNullable(writer, "ground"u8, e.Ground);
        WriteList(writer, "evidenceReferences"u8, e.EvidenceReferences);
        WriteNullable(writer, "outcome"u8, e.Outcome);
        WriteList(writer, "reasons"u8, e.Reasons);
        WriteList(writer, "clauseIds"u8, e.ClauseIds);
        WriteList(writer, "obligations"u8, e.Obligations);
        WriteNullable(writer, "policyVersion"u8, e.PolicyVersion);
        WriteNullable(writer, "recordId"u8, e.RecordId);
        WriteNullable(writer, "correlationId"u8, e.CorrelationId);
        if (e.JudgedAt is { } judgedAt)
        {
            // Optional and last: events without it keep the bytes (and hashes) they always had.
            WriteTime(writer, "judgedAt"u8, judgedAt);
        }
    }

    /// <summary>
    /// Returns an event's canonical body: the JSON between <c>{"sequence":n</c> and <c>,"previousHash":…</c>, which
    /// does not depend on the event's place in the chain. Callers prepare it before they queue the event, so sealing
    /// (one at a time, in queue order) only chains.
    /// </summary>
    internal static byte[] GetBody(AuditEvent auditEvent) => WriteBody(Scratch.Rent(), auditEvent).ToArray();

    /// <summary>Writes the canonical body into the thread's body buffer; valid until the thread's next call.</summary>
    private static ReadOnlySpan<byte> WriteBody(Scratch scratch, AuditEvent auditEvent)
    {
        var buffer = scratch.BodyBuffer;
        buffer.ResetWrittenCount();
        var writer = scratch.BodyWriter;
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteNumber("sequence"u8, 0);
        writer.Flush();
        var start = buffer.WrittenCount;
        WriteBodyMembers(writer, auditEvent);
        writer.Flush();
        return buffer.WrittenSpan[start..];
    }

    internal static void WriteCheckpoint(Utf8JsonWriter writer, AuditCheckpoint c, bool includeSignature)
    {
        writer.WriteStartObject();
        writer.WriteNumber("size"u8, c.Size);
        CanonicalJson.WriteString(writer, "headHash"u8, c.HeadHash);
        WriteTime(writer, "createdAt"u8, c.CreatedAt);
        if (c.PreviousCheckpointHash is not null)
        {
            CanonicalJson.WriteString(writer, "previousCheckpointHash"u8, c.PreviousCheckpointHash);
        }

        // A trail of several chains only: a single-chain checkpoint keeps the bytes it always had.
        if (c.Chain != 0)
        {
            writer.WriteNumber("chain"u8, c.Chain);
        }

        if (c.OtherChains is { } others)
        {
            writer.WriteStartArray("otherChains"u8);
            foreach (var other in others)
            {
                writer.WriteStartObject();
                writer.WriteNumber("chain"u8, other.Chain);
                writer.WriteNumber("size"u8, other.Size);
                CanonicalJson.WriteString(writer, "headHash"u8, other.HeadHash);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        WriteNullable(writer, "keyId"u8, c.KeyId);
        if (includeSignature)
        {
            WriteNullable(writer, "signature"u8, c.Signature);
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1, // upper-case digits are not canonical
    };

    internal static string ToLowerHex(ReadOnlySpan<byte> bytes)
    {
#if NET9_0_OR_GREATER
        return Convert.ToHexStringLower(bytes);
#else
        return Convert.ToHexString(bytes).ToLowerInvariant();
#endif
    }

    internal static string FormatTime(DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[CanonicalJson.TimestampLength];
        CanonicalJson.WriteTimestamp(value, text);
        return Encoding.ASCII.GetString(text);
    }

    internal static bool TryParseTime(string text, out DateTimeOffset value)
    {
        if (DateTime.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
        {
            value = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Writes a time member: the UTC round-trip form, quoted (it holds nothing that needs an escape).</summary>
    private static void WriteTime(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[CanonicalJson.TimestampLength + 2];
        text[0] = (byte)'"';
        CanonicalJson.WriteTimestamp(value, text[1..]);
        text[^1] = (byte)'"';
        writer.WritePropertyName(name);
        writer.WriteRawValue(text, skipInputValidation: true);
    }

    private static void WriteNullable(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            CanonicalJson.WriteString(writer, name, value);
        }
    }

    private static void WriteList(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<string>? values)
    {
        writer.WriteStartArray(name);
        if (values is not null)
        {
            for (var i = 0; i < values.Count; i++)
            {
                CanonicalJson.WriteStringValue(writer, values[i]);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>A per-thread buffer and writer, reused so that sealing an event allocates only its strings.</summary>
    private sealed class Scratch
    {
        private Scratch()
        {
            Buffer = new ArrayBufferWriter<byte>(1024);
            Writer = new Utf8JsonWriter(Buffer, WriterOptions);
            BodyBuffer = new ArrayBufferWriter<byte>(1024);
            BodyWriter = new Utf8JsonWriter(BodyBuffer, WriterOptions);
        }

        /// <summary>Gets the buffer a body is written into while <see cref="Buffer"/> holds the bytes being hashed.</summary>
        public ArrayBufferWriter<byte> BodyBuffer { get; }

        public Utf8JsonWriter BodyWriter { get; }

        public ArrayBufferWriter<byte> Buffer { get; }

        public Utf8JsonWriter Writer { get; }

        public IncrementalHash Sha256 { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        /// <summary>Gets the last hash this thread sealed (the next event's previous hash, on a writer).</summary>
        public string? LastHash { get; private set; }

        /// <summary>Gets <see cref="LastHash"/>'s bytes.</summary>
        public byte[] LastDigest { get; } = new byte[32];

        public void Remember(string hash, ReadOnlySpan<byte> digest)
        {
            digest.CopyTo(LastDigest);
            LastHash = hash;
        }

        public static Scratch Rent()
        {
            var scratch = t_scratch ??= new Scratch();
            scratch.Buffer.ResetWrittenCount();
            scratch.Writer.Reset(scratch.Buffer);
            return scratch;
        }
    }
}
