using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Writes an audit event's canonical JSON (<see cref="AuditHashChain"/> documents the form) straight into a byte array,
/// member by member, growing the array when it is full. The bytes are those a <c>Utf8JsonWriter</c> wrote with the
/// <see cref="CanonicalJson"/> escaping rule (the golden vectors pin them); written by hand because sealing is the
/// trail's hot path and a general JSON writer's state checks cost more than the event's own bytes.
/// </summary>
internal ref struct CanonicalEventWriter
{
    // Printable ASCII but the characters the canonical rule escapes: a string of only these is copied as it is.
    private static readonly SearchValues<char> Plain = SearchValues.Create(
        " !#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~");

    private static readonly byte[][] KindNames = [.. Enum.GetNames<AuditEventKind>().Select(QuotedAscii)];

    private byte[] _buffer;
    private int _position;

    public CanonicalEventWriter(byte[] buffer, int position)
    {
        _buffer = buffer;
        _position = position;
    }

    /// <summary>Gets the buffer written into (a larger one than given when it had to grow).</summary>
    public readonly byte[] Buffer => _buffer;

    /// <summary>Gets the position after the last byte written.</summary>
    public readonly int Position => _position;

    /// <summary>Writes <c>{"sequence":n</c>.</summary>
    public void WriteStart(long sequence)
    {
        Raw("{\"sequence\":"u8);
        var digits = Reserve(20);
        if (!Utf8Formatter.TryFormat(sequence, digits, out var written))
        {
            throw new FormatException("The sequence number could not be written.");
        }

        _position += written;
    }

    /// <summary>Writes the members between <c>sequence</c> and <c>previousHash</c>, each after a comma: everything the pipeline does not assign.</summary>
    public void WriteBody(AuditEvent e)
    {
        Time(",\"timestamp\":"u8, e.Timestamp);
        Raw(",\"kind\":"u8);
        if ((uint)e.Kind < (uint)KindNames.Length)
        {
            Raw(KindNames[(int)e.Kind]);
        }
        else
        {
            String(e.Kind.ToString()); // an undefined value, written as its number the way ToString gives it
        }

        NullableString(",\"action\":"u8, e.Action);
        NullableString(",\"subjectPseudonym\":"u8, e.SubjectPseudonym);
        NullableString(",\"actor\":"u8, e.Actor);
        NullableString(",\"recipient\":"u8, e.Recipient);
        NullableString(",\"recipientKind\":"u8, e.RecipientKind);
        NullableString(",\"purpose\":"u8, e.Purpose);
        List(",\"categories\":["u8, e.Categories);
        List(",\"permittedCategories\":["u8, e.PermittedCategories);
        NullableString(",\"ground\":"u8, e.Ground);
        List(",\"evidenceReferences\":["u8, e.EvidenceReferences);
        NullableString(",\"outcome\":"u8, e.Outcome);
        List(",\"reasons\":["u8, e.Reasons);
        List(",\"clauseIds\":["u8, e.ClauseIds);
        List(",\"obligations\":["u8, e.Obligations);
        NullableString(",\"policyVersion\":"u8, e.PolicyVersion);
        NullableString(",\"recordId\":"u8, e.RecordId);
        NullableString(",\"correlationId\":"u8, e.CorrelationId);
        if (e.JudgedAt is { } judgedAt)
        {
            // Optional and last: events without it keep the bytes (and hashes) they always had.
            Time(",\"judgedAt\":"u8, judgedAt);
        }
    }

    /// <summary>Writes <c>,"previousHash":"…"</c>, then <c>,"hash":"…"</c> when <paramref name="hash"/> is given, and the closing brace.</summary>
    public void WriteEnd(string previousHash, string? hash)
    {
        Raw(",\"previousHash\":"u8);
        String(previousHash);
        if (hash is not null)
        {
            Raw(",\"hash\":"u8);
            String(hash);
        }

        Raw("}"u8);
    }

    /// <summary>Makes sure <paramref name="count"/> more bytes fit after <see cref="Position"/>, growing the buffer if not.</summary>
    public Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _position < count)
        {
            var grown = new byte[Math.Max(_buffer.Length * 2, _position + count)];
            _buffer.AsSpan(0, _position).CopyTo(grown);
            _buffer = grown;
        }

        return _buffer.AsSpan(_position);
    }

    /// <summary>Writes bytes as they are.</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _position += bytes.Length;
    }

    /// <summary>Writes a string value, quoted and escaped by the canonical rule.</summary>
    public void String(string value)
    {
        var text = value.AsSpan();
        if (text.IndexOfAnyExcept(Plain) < 0)
        {
            var destination = Reserve(text.Length + 2);
            destination[0] = (byte)'"';
            Ascii.FromUtf16(text, destination[1..], out var copied);
            destination[copied + 1] = (byte)'"';
            _position += copied + 2;
            return;
        }

        _position += CanonicalJson.Escape(text, Reserve((text.Length * 6) + 2));
    }

    private static byte[] QuotedAscii(string name) => Encoding.ASCII.GetBytes("\"" + name + "\"");

    private void NullableString(ReadOnlySpan<byte> member, string? value)
    {
        Raw(member);
        if (value is null)
        {
            Raw("null"u8);
        }
        else
        {
            String(value);
        }
    }

    /// <summary>Writes a list member; <paramref name="member"/> ends with the opening bracket.</summary>
    private void List(ReadOnlySpan<byte> member, IReadOnlyList<string>? values)
    {
        Raw(member);
        if (values is not null)
        {
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0)
                {
                    Raw(","u8);
                }

                String(values[i]);
            }
        }

        Raw("]"u8);
    }

    /// <summary>Writes a time member: the UTC round-trip form, quoted (it holds nothing that needs an escape).</summary>
    private void Time(ReadOnlySpan<byte> member, DateTimeOffset value)
    {
        Raw(member);
        var text = Reserve(CanonicalJson.TimestampLength + 2);
        text[0] = (byte)'"';
        CanonicalJson.WriteTimestamp(value, text.Slice(1, CanonicalJson.TimestampLength));
        text[CanonicalJson.TimestampLength + 1] = (byte)'"';
        _position += CanonicalJson.TimestampLength + 2;
    }
}
