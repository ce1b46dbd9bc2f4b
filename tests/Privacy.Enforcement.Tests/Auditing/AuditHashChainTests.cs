using System.Security.Cryptography;
using System.Text;

namespace Privacy.Enforcement.Tests.Auditing;

public class AuditHashChainTests
{
    [Fact]
    public void Canonical_json_has_fixed_order_no_whitespace_and_utc_time_with_seven_digits()
    {
        var e = AuditTestData.Event(1) with { Timestamp = new DateTimeOffset(2026, 1, 2, 5, 4, 6, TimeSpan.FromHours(2)), Sequence = 1, PreviousHash = AuditHashChain.GenesisHash, Hash = "ignored" };

        var json = Encoding.UTF8.GetString(AuditHashChain.GetCanonicalJson(e));

        json.Should().StartWith("{\"sequence\":1,\"timestamp\":\"2026-01-02T03:04:06.0000000Z\",\"kind\":\"Decision\",\"action\":\"decision.disclose\",");
        json.Should().EndWith($",\"correlationId\":\"c-1\",\"previousHash\":\"{AuditHashChain.GenesisHash}\"}}");
        json.Should().NotContain(" ").And.NotContain("\n").And.NotContain("ignored").And.NotContain("\"hash\"");
        json.Should().Contain("\"recordId\":null").And.Contain("\"obligations\":[]");
    }

    [Fact]
    public void Canonical_json_is_the_same_for_equal_events_and_escapes_non_ascii()
    {
        var a = AuditTestData.Event(3) with { Actor = "user:Zoë <x>" };
        var b = AuditTestData.Event(3) with { Actor = "user:Zoë <x>", Categories = new List<string> { "contact.email", "payment.card" } };

        var ja = AuditHashChain.GetCanonicalJson(a);
        ja.Should().Equal(AuditHashChain.GetCanonicalJson(b));
        ja.Should().OnlyContain(c => c < 0x80);
        Encoding.UTF8.GetString(ja).Should().Contain("user:Zo\\u00EB \\u003Cx\\u003E");
    }

    [Fact]
    public void Hash_is_sha256_of_previous_hash_bytes_and_canonical_json_in_lower_case_hex()
    {
        var chain = AuditTestData.Chain(2);

        var expected = SHA256.HashData([.. Convert.FromHexString(chain[0].Hash), .. AuditHashChain.GetCanonicalJson(chain[1])]);

        chain[0].PreviousHash.Should().Be(new string('0', 64));
        chain[1].PreviousHash.Should().Be(chain[0].Hash);
        chain[1].Hash.Should().Be(Convert.ToHexString(expected).ToLowerInvariant());
        chain[1].Hash.Should().MatchRegex("^[0-9a-f]{64}$");
    }

    [Fact]
    public void Any_field_change_changes_the_hash()
    {
        var e = AuditHashChain.Seal(AuditTestData.Event(1), 1, AuditHashChain.GenesisHash);

        AuditHashChain.ComputeHash(AuditHashChain.GenesisHash, e with { Outcome = "Deny" }).Should().NotBe(e.Hash);
        AuditHashChain.ComputeHash(AuditHashChain.GenesisHash, e with { Timestamp = e.Timestamp.AddTicks(1) }).Should().NotBe(e.Hash);
        AuditHashChain.ComputeHash(AuditHashChain.GenesisHash, e with { ClauseIds = ["disclose.legal"] }).Should().NotBe(e.Hash);
        AuditHashChain.ComputeHash(AuditHashChain.GenesisHash, e).Should().Be(e.Hash);
    }

    [Fact]
    public void Stored_line_round_trips_to_an_equal_canonical_event()
    {
        var e = AuditTestData.Chain(1)[0];

        var parsed = AuditEventJson.ParseEvent(AuditHashChain.GetLine(e));

        AuditHashChain.GetLine(parsed).Should().Equal(AuditHashChain.GetLine(e));
        parsed.Hash.Should().Be(e.Hash);
        parsed.Timestamp.Should().Be(e.Timestamp);
    }

    [Fact]
    public void A_previous_hash_that_is_not_64_lower_case_hex_digits_is_rejected()
    {
        var act = () => AuditHashChain.ComputeHash(new string('A', 64), AuditTestData.Event(1));

        act.Should().Throw<FormatException>().WithMessage("*64 hex digits*");
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("quote \" and backslash \\ and newline \n")]
    [InlineData("中文 émoji 🙂 <script>&amp;")]
    [InlineData("")]
    public void The_line_kept_while_sealing_is_byte_for_byte_the_line_written_afresh(string text)
    {
        var sealedEvent = AuditHashChain.Seal(
            AuditTestData.Event(3) with { Actor = text, EvidenceReferences = [text, "ref-2"], CorrelationId = null },
            42,
            AuditHashChain.GenesisHash);
        var copy = sealedEvent with { };

        var kept = new System.Buffers.ArrayBufferWriter<byte>();
        AuditHashChain.WriteLine(kept, sealedEvent);
        var fresh = new System.Buffers.ArrayBufferWriter<byte>();
        AuditHashChain.WriteLine(fresh, copy);

        sealedEvent.SealedLineBytes.Should().NotBeNull();
        copy.SealedLineBytes.Should().BeNull("a copy made with 'with' does not inherit the kept line");
        copy.Should().Be(sealedEvent, "the kept line is not part of the event's value");
        kept.WrittenSpan.ToArray().Should().Equal(fresh.WrittenSpan.ToArray());
        kept.WrittenSpan.ToArray().Should().Equal([.. AuditHashChain.GetLine(copy), (byte)'\n']);
        AuditHashChain.ComputeHash(AuditHashChain.GenesisHash, AuditEventJson.ParseEvent(AuditHashChain.GetLine(copy))).Should().Be(sealedEvent.Hash);
        var prepared = AuditHashChain.Seal(copy, 42, AuditHashChain.GenesisHash, AuditHashChain.GetBody(copy));
        prepared.Hash.Should().Be(sealedEvent.Hash, "a body prepared by the caller seals to the same hash");
        prepared.SealedLineBytes.Should().Equal(sealedEvent.SealedLineBytes);
    }

    [Fact]
    public void Timestamps_are_written_exactly_as_the_round_trip_utc_format_writes_them()
    {
        var random = new Random(20261129);
        var samples = new List<DateTimeOffset>
        {
            DateTimeOffset.MinValue,
            DateTimeOffset.MaxValue,
            new(2026, 12, 31, 23, 59, 59, TimeSpan.FromHours(14)),
            new(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(-12)),
            new DateTimeOffset(2024, 2, 29, 12, 0, 0, TimeSpan.Zero).AddTicks(9_999_999),
        };
        for (var i = 0; i < 2000; i++)
        {
            var ticks = DateTime.MinValue.Ticks + (long)(random.NextDouble() * (DateTime.MaxValue.Ticks - DateTime.MinValue.Ticks));
            samples.Add(new DateTimeOffset(ticks, TimeSpan.Zero));
        }

        foreach (var time in samples)
        {
            var expected = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            AuditHashChain.FormatTime(time).Should().Be(expected);
            time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture).Should().Be(expected);
            AuditHashChain.TryParseTime(expected, out var parsed).Should().BeTrue();
            parsed.Should().Be(time);
        }
    }

    [Fact]
    public void Sealing_on_the_hash_just_made_gives_the_hash_a_fresh_parse_of_its_hex_gives()
    {
        var first = AuditHashChain.Seal(AuditTestData.Event(1), 1, AuditHashChain.GenesisHash);
        var second = AuditHashChain.Seal(AuditTestData.Event(2), 2, first.Hash);
        var copyOfHash = new string(first.Hash.AsSpan());

        AuditHashChain.Seal(AuditTestData.Event(2), 2, copyOfHash).Hash.Should().Be(second.Hash);
        AuditHashChain.ComputeHash(copyOfHash, second).Should().Be(second.Hash);
    }
}
