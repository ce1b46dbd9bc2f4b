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

    /// <summary>
    /// Room a sealing buffer leaves before an event's body: the previous hash's 32 bytes, then <c>{"sequence":n</c>
    /// (at most 31 bytes), so the hashed bytes are one contiguous span.
    /// </summary>
    internal const int LineHeadroom = 64;

    /// <summary>Room a sealing buffer leaves after an event's body: <c>,"previousHash":"…"</c>, then <c>,"hash":"…"}</c> in place of the brace.</summary>
    internal const int LineTailroom = 157;

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
        var writer = WriteCanonical(Scratch.Rent(), auditEvent, auditEvent.Sequence, auditEvent.PreviousHash, hash: null);
        return writer.Buffer.AsSpan(0, writer.Position).ToArray();
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
        byte[] buffer;
        int bodyLength;
        if (body is null)
        {
            buffer = WriteBodyForSealing(auditEvent, new byte[1024], out bodyLength);
        }
        else
        {
            buffer = new byte[LineHeadroom + body.Length + LineTailroom];
            body.CopyTo(buffer, LineHeadroom);
            bodyLength = body.Length;
        }

        return SealPrepared(auditEvent, sequence, previousHash, buffer, bodyLength);
    }

    /// <summary>
    /// Writes an event's canonical body into <paramref name="buffer"/> at <see cref="LineHeadroom"/>, leaving
    /// <see cref="LineTailroom"/> after it, ready for <see cref="SealPrepared"/>. Returns the buffer written into: a
    /// larger, new one when the event did not fit.
    /// </summary>
    internal static byte[] WriteBodyForSealing(AuditEvent auditEvent, byte[] buffer, out int bodyLength)
    {
        var writer = new CanonicalEventWriter(buffer, LineHeadroom);
        writer.WriteBody(auditEvent);
        writer.Reserve(LineTailroom);
        bodyLength = writer.Position - LineHeadroom;
        return writer.Buffer;
    }

    /// <summary>
    /// Seals an event whose body <see cref="WriteBodyForSealing"/> wrote into <paramref name="buffer"/>: writes the
    /// chain position around the body, hashes it in one pass, and turns the same bytes into the stored line (kept on
    /// the sealed event until its batch is written). An event the library made for itself is sealed in place; any
    /// other is copied, so a caller never sees its event change.
    /// </summary>
    internal static AuditEvent SealPrepared(AuditEvent auditEvent, long sequence, string previousHash, byte[] buffer, int bodyLength)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        if (bodyLength < 0 || buffer.Length < LineHeadroom + bodyLength + LineTailroom)
        {
            throw new ArgumentException("The sealing buffer has no room around the body.", nameof(buffer));
        }

        // The hashed bytes: the previous hash's 32 bytes, then {"sequence":n<body>,"previousHash":"<hex>"}: exactly
        // what the canonical form writes, assembled around the body without serialising the event again.
        var scratch = Scratch.Rent();
        Span<byte> prefix = stackalloc byte[32];
        SequenceMember.CopyTo(prefix);
        if (!System.Buffers.Text.Utf8Formatter.TryFormat(sequence, prefix[SequenceMember.Length..], out var digits))
        {
            throw new FormatException("The sequence number could not be written.");
        }

        var start = LineHeadroom - SequenceMember.Length - digits;
        prefix[..(SequenceMember.Length + digits)].CopyTo(buffer.AsSpan(start));
        WritePreviousHashBytes(scratch, previousHash, buffer.AsSpan(start - 32, 32));
        var end = LineHeadroom + bodyLength;
        PreviousHashMember.CopyTo(buffer.AsSpan(end));
        end += PreviousHashMember.Length;
        for (var i = 0; i < HashHexLength; i++)
        {
            buffer[end + i] = (byte)previousHash[i];
        }

        end += HashHexLength;
        buffer[end++] = (byte)'"';
        buffer[end++] = (byte)'}';
        Span<byte> digest = stackalloc byte[32];
        scratch.Sha256.Hash(buffer.AsSpan(start - 32, 32), buffer.AsSpan(start, end - start), digest);
        var hash = ToLowerHex(digest);
        scratch.Remember(hash, digest);

        // The stored line is the hashed JSON with the hash as its last member: "...}" becomes "...,"hash":"<hex>"}".
        var at = end - 1;
        HashMember.CopyTo(buffer.AsSpan(at));
        at += HashMember.Length;
        for (var i = 0; i < HashHexLength; i++)
        {
            buffer[at + i] = (byte)hash[i];
        }

        at += HashHexLength;
        buffer[at++] = (byte)'"';
        buffer[at++] = (byte)'}';
        AuditEvent sealedEvent;
        if (auditEvent.IsLibraryOwned)
        {
            auditEvent.SealInPlace(sequence, previousHash, hash);
            sealedEvent = auditEvent;
        }
        else
        {
            sealedEvent = auditEvent with { Sequence = sequence, PreviousHash = previousHash, Hash = hash };
        }

        sealedEvent.KeepSealedLine(buffer, start, at - start);
        return sealedEvent;
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

    /// <summary>Hashes the previous hash's 32 bytes and the canonical JSON into <paramref name="digest"/>.</summary>
    private static void HashInto(Scratch scratch, string previousHash, AuditEvent e, long sequence, string eventPreviousHash, Span<byte> digest)
    {
        Span<byte> previous = stackalloc byte[32];
        WritePreviousHashBytes(scratch, previousHash, previous);
        var writer = WriteCanonical(scratch, e, sequence, eventPreviousHash, hash: null);

        // One hash object per thread, reused: cheaper than a one-shot hash's set-up per event.
        scratch.Sha256.Hash(previous, writer.Buffer.AsSpan(0, writer.Position), digest);
    }

    /// <summary>Writes the previous hash's 32 bytes into <paramref name="previous"/>, checking it is 64 lower-case hex digits.</summary>
    /// <remarks>A thread sealing several events in a row seals each on the hash it just made: that hash's bytes are kept, not parsed back from hex.</remarks>
    private static void WritePreviousHashBytes(Scratch scratch, string previousHash, Span<byte> previous)
    {
        if (ReferenceEquals(previousHash, scratch.LastHash))
        {
            scratch.LastDigest.CopyTo(previous);
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
    }

    /// <summary>Writes one stored line (canonical JSON with the hash appended, then <c>\n</c>).</summary>
    internal static void WriteLine(IBufferWriter<byte> output, AuditEvent auditEvent)
    {
        var line = auditEvent.SealedLineSpan; // written while sealing: the same bytes, no second serialisation
        if (line.IsEmpty)
        {
            var writer = WriteCanonical(Scratch.Rent(), auditEvent, auditEvent.Sequence, auditEvent.PreviousHash, auditEvent.Hash);
            line = writer.Buffer.AsSpan(0, writer.Position);
        }

        var span = output.GetSpan(line.Length + 1);
        line.CopyTo(span);
        span[line.Length] = (byte)'\n';
        output.Advance(line.Length + 1);
    }

    /// <summary>Returns the stored line of an event, without the trailing newline.</summary>
    internal static byte[] GetLine(AuditEvent auditEvent)
    {
        var writer = WriteCanonical(Scratch.Rent(), auditEvent, auditEvent.Sequence, auditEvent.PreviousHash, auditEvent.Hash);
        return writer.Buffer.AsSpan(0, writer.Position).ToArray();
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

    /// <summary>Writes an event's canonical JSON (with <paramref name="hash"/> as the last member when given) into the thread's event buffer.</summary>
    private static CanonicalEventWriter WriteCanonical(Scratch scratch, AuditEvent e, long sequence, string previousHash, string? hash)
    {
        var writer = new CanonicalEventWriter(scratch.EventBuffer, 0);
        writer.WriteStart(sequence);
        writer.WriteBody(e);
        writer.WriteEnd(previousHash, hash);
        scratch.EventBuffer = writer.Buffer; // keep a buffer that had to grow
        return writer;
    }

    /// <summary>
    /// Returns an event's canonical body: the JSON between <c>{"sequence":n</c> and <c>,"previousHash":…</c>, which
    /// does not depend on the event's place in the chain.
    /// </summary>
    internal static byte[] GetBody(AuditEvent auditEvent)
    {
        var scratch = Scratch.Rent();
        var writer = new CanonicalEventWriter(scratch.EventBuffer, 0);
        writer.WriteBody(auditEvent);
        scratch.EventBuffer = writer.Buffer;
        return writer.Buffer.AsSpan(0, writer.Position).ToArray();
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

    /// <summary>A per-thread buffer, writer and hash object, reused so that hashing or writing an event allocates only its result.</summary>
    private sealed class Scratch
    {
        private Scratch()
        {
            Buffer = new ArrayBufferWriter<byte>(1024);
            Writer = new Utf8JsonWriter(Buffer, WriterOptions);
        }

        /// <summary>Gets or sets the buffer an event's canonical JSON is written into.</summary>
        public byte[] EventBuffer { get; set; } = new byte[1024];

        /// <summary>Gets the buffer checkpoints are written into.</summary>
        public ArrayBufferWriter<byte> Buffer { get; }

        public Utf8JsonWriter Writer { get; }

        public AuditChainSha256 Sha256 { get; } = new();

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
