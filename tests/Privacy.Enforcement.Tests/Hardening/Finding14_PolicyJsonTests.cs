using System.Text;

namespace Privacy.Enforcement.Tests.Hardening;

/// <summary>
/// Finding 14: policy JSON accepted duplicate members (last wins), turned a lone surrogate into U+FFFD, and had no size
/// bound. Duplicates and invalid UTF-16/UTF-8 are rejected; the document and each list are capped, and every error
/// names the limit and the JSON path.
/// </summary>
public sealed class Finding14_PolicyJsonTests
{
    private static readonly DateTimeOffset Published = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static string StandardJson() => PolicyDocumentSerializer.Serialize(StandardPolicy.CreateBuilder().WithVersion("1.0", Published).Build());

    private static PolicyValidationException LoadFails(string json) =>
        FluentActions.Invoking(() => PolicyDocumentSerializer.Load(json)).Should().Throw<PolicyValidationException>().Which;

    [Fact]
    public void Finding14_the_standard_document_still_loads()
    {
        PolicyDocumentSerializer.Load(StandardJson()).Version.Version.Should().Be(new Version(1, 0));
        PolicyDocumentSerializer.Load(new MemoryStream([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(StandardJson())])).Version.Version.Should().Be(new Version(1, 0));
    }

    [Fact]
    public void Finding14_a_duplicate_member_is_rejected_with_its_path()
    {
        var json = StandardJson();
        var tampered = "{\"id\":\"other\"," + json[1..];

        var errors = LoadFails(tampered).Errors;

        errors.Should().Contain(e => e.Path == "$.id" && e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Finding14_a_duplicate_member_deep_in_the_document_is_rejected_with_its_path()
    {
        var json = StandardJson();
        var at = json.IndexOf("\"rules\":[{", StringComparison.Ordinal) + "\"rules\":[{".Length;
        var tampered = json[..at] + "\"clause\":\"store.security\"," + json[at..];

        var errors = LoadFails(tampered).Errors;

        errors.Should().Contain(e => e.Path == "$.rules[0].clause" && e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Finding14_a_lone_surrogate_in_the_text_is_rejected_not_replaced()
    {
        var json = StandardJson();
        var tampered = "{\"title\":\"policy " + '\uD800' + "\"," + RemoveMember(json, "title")[1..];

        var exception = LoadFails(tampered);

        exception.Errors.Should().Contain(e => e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Finding14_an_escaped_lone_surrogate_is_rejected_with_its_path()
    {
        var tampered = "{\"title\":\"policy \\uDC00\"," + RemoveMember(StandardJson(), "title")[1..];

        var errors = LoadFails(tampered).Errors;

        errors.Should().Contain(e => e.Path == "$.title" && e.Message.Contains("UTF", StringComparison.Ordinal));
    }

    [Fact]
    public void Finding14_invalid_utf8_is_rejected_naming_the_byte_offset()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"title\":\"policy X\"," + RemoveMember(StandardJson(), "title")[1..]);
        var at = Array.IndexOf(bytes, (byte)'X');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;

        var load = () => PolicyDocumentSerializer.Load(new MemoryStream(bytes));

        load.Should().Throw<PolicyValidationException>().Which.Errors.Should().Contain(e => e.Message.Contains("UTF-8", StringComparison.Ordinal) && e.Message.Contains($"{at}", StringComparison.Ordinal));
    }

    [Fact]
    public void Finding14_a_document_over_the_size_limit_is_rejected_naming_the_limit()
    {
        var json = StandardJson();
        var padded = json[..^1] + new string(' ', PolicyDocumentLimits.MaxDocumentBytes) + "}";

        var errors = LoadFails(padded).Errors;

        errors.Should().ContainSingle().Which.Should().Match<PolicyValidationError>(e =>
            e.Path == "$" && e.Message.Contains(PolicyDocumentLimits.MaxDocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) &&
            e.Message.Contains(nameof(PolicyDocumentLimits.MaxDocumentBytes), StringComparison.Ordinal));
    }

    [Fact]
    public void Finding14_a_stream_is_read_no_further_than_the_size_limit()
    {
        var stream = new EndlessSpaces();

        var load = () => PolicyDocumentSerializer.Load(stream);

        load.Should().Throw<PolicyValidationException>().Which.Errors.Should().ContainSingle(e => e.Path == "$" && e.Message.Contains(nameof(PolicyDocumentLimits.MaxDocumentBytes), StringComparison.Ordinal));
        stream.Position.Should().BeLessThanOrEqualTo(PolicyDocumentLimits.MaxDocumentBytes + (1 << 16));
    }

    [Fact]
    public void Finding14_a_list_over_the_item_limit_is_rejected_naming_the_limit_and_the_path()
    {
        var json = StandardJson();
        var clauses = string.Join(",", Enumerable.Range(0, PolicyDocumentLimits.MaxListItems + 1).Select(i => $"{{\"id\":\"c{i}\"}}"));
        var tampered = "{\"clauses\":[" + clauses + "]," + RemoveMember(json, "clauses")[1..];

        var errors = LoadFails(tampered).Errors;

        errors.Should().ContainSingle().Which.Should().Match<PolicyValidationError>(e =>
            e.Path == "$.clauses" && e.Message.Contains(nameof(PolicyDocumentLimits.MaxListItems), StringComparison.Ordinal) &&
            e.Message.Contains(PolicyDocumentLimits.MaxListItems.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public void Finding14_a_document_built_in_code_with_an_over_long_list_is_invalid()
    {
        var document = StandardPolicy.CreateBuilder().WithVersion("1.0", Published).Build();
        var tampered = document with { Services = [document.Services[0] with { Providers = [.. Enumerable.Repeat(StandardServices.Delivery, PolicyDocumentLimits.MaxListItems + 1)] }] };

        PolicyDocumentValidator.Validate(tampered).Should().Contain(e => e.Path == "$.services[0].providers" && e.Message.Contains(nameof(PolicyDocumentLimits.MaxListItems), StringComparison.Ordinal));
    }

    private static string RemoveMember(string json, string name)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != name)
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A stream of 64 MiB of spaces, far past any limit, that takes no memory.</summary>
    private sealed class EndlessSpaces : Stream
    {
        private const long Size = 64L << 20;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            count = (int)Math.Min(count, Size - _position);
            buffer.AsSpan(offset, count).Fill((byte)' ');
            _position += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
