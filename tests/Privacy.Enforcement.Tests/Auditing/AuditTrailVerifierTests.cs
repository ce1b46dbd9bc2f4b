using System.Security.Cryptography;
using System.Text;

namespace Privacy.Enforcement.Tests.Auditing;

public class AuditTrailVerifierTests
{
    [Fact]
    public void An_intact_trail_verifies_with_its_head_hash_and_count()
    {
        var chain = AuditTestData.Chain(10);

        var result = AuditTrailVerifier.Verify(chain, [new AuditCheckpoint(5, chain[4].Hash, AuditTestData.Start), new AuditCheckpoint(10, chain[9].Hash, AuditTestData.Start)]);

        result.IsValid.Should().BeTrue();
        result.Count.Should().Be(10);
        result.HeadHash.Should().Be(chain[9].Hash);
        result.CheckpointsVerified.Should().Be(2);
    }

    [Fact]
    public void An_empty_trail_verifies()
    {
        AuditTrailVerifier.Verify([]).Should().Match<AuditVerificationResult>(r => r.IsValid && r.Count == 0 && r.HeadHash == AuditHashChain.GenesisHash);
    }

    [Fact]
    public void Store_integrity_an_altered_field_is_found_at_its_index()
    {
        var chain = AuditTestData.Chain(10);
        chain[6] = chain[6] with { Outcome = "Deny" };

        var result = AuditTrailVerifier.Verify(chain);

        result.Failure.Should().Be(AuditVerificationFailure.HashMismatch);
        result.FirstBadIndex.Should().Be(6);
        result.HeadHash.Should().Be(chain[5].Hash);
    }

    [Fact]
    public void Store_integrity_a_removed_event_is_found_at_its_index()
    {
        var chain = AuditTestData.Chain(10);
        chain.RemoveAt(4);

        var result = AuditTrailVerifier.Verify(chain);

        result.Failure.Should().Be(AuditVerificationFailure.SequenceMismatch);
        result.FirstBadIndex.Should().Be(4);
    }

    [Fact]
    public void Store_integrity_a_removed_event_with_renumbering_is_found_by_the_broken_link()
    {
        var chain = AuditTestData.Chain(10);
        chain.RemoveAt(4);
        for (var i = 4; i < chain.Count; i++)
        {
            chain[i] = chain[i] with { Sequence = i + 1 };
        }

        var result = AuditTrailVerifier.Verify(chain);

        result.FirstBadIndex.Should().Be(4);
        result.Failure.Should().Be(AuditVerificationFailure.PreviousHashMismatch);
    }

    [Fact]
    public void Store_integrity_an_inserted_event_is_found_at_its_index()
    {
        var chain = AuditTestData.Chain(10);
        chain.Insert(3, chain[7]);

        var result = AuditTrailVerifier.Verify(chain);

        result.FirstBadIndex.Should().Be(3);
        result.IsValid.Should().BeFalse();
    }

    [Fact]
    public void Store_integrity_a_forged_insert_that_links_correctly_is_found_at_the_next_event()
    {
        var chain = AuditTestData.Chain(10);
        var forged = AuditHashChain.Seal(AuditTestData.Event(99), 4, chain[2].Hash);
        chain.Insert(3, forged);

        var result = AuditTrailVerifier.Verify(chain);

        result.FirstBadIndex.Should().Be(4);
        result.Failure.Should().Be(AuditVerificationFailure.SequenceMismatch);
    }

    [Fact]
    public void Store_integrity_reordered_events_are_found_at_the_first_moved_index()
    {
        var chain = AuditTestData.Chain(10);
        (chain[5], chain[6]) = (chain[6], chain[5]);

        var result = AuditTrailVerifier.Verify(chain);

        result.FirstBadIndex.Should().Be(5);
        result.Failure.Should().Be(AuditVerificationFailure.SequenceMismatch);
    }

    [Fact]
    public void Store_integrity_a_truncation_is_found_against_the_last_checkpoint()
    {
        var chain = AuditTestData.Chain(10);
        AuditCheckpoint[] checkpoints = [new(4, chain[3].Hash, AuditTestData.Start), new(10, chain[9].Hash, AuditTestData.Start)];

        var result = AuditTrailVerifier.Verify(chain.Take(7), checkpoints);

        result.Failure.Should().Be(AuditVerificationFailure.Truncated);
        result.FirstBadIndex.Should().Be(7);
        result.Message.Should().Contain("10");
    }

    [Fact]
    public void Store_integrity_a_truncated_and_regrown_trail_is_found_at_the_checkpoint()
    {
        var chain = AuditTestData.Chain(10);
        var checkpoint = new AuditCheckpoint(8, chain[7].Hash, AuditTestData.Start);
        var rewritten = chain.Take(6).ToList();
        for (var i = 7; i <= 10; i++)
        {
            rewritten.Add(AuditHashChain.Seal(AuditTestData.Event(100 + i), i, rewritten[^1].Hash));
        }

        var result = AuditTrailVerifier.Verify(rewritten, [checkpoint]);

        result.Failure.Should().Be(AuditVerificationFailure.CheckpointMismatch);
        result.FirstBadIndex.Should().Be(7);
    }

    [Fact]
    public async Task Store_integrity_a_flipped_byte_in_a_stored_file_is_found_at_its_line()
    {
        var chain = AuditTestData.Chain(20);
        var lines = chain.Select(AuditHashChain.GetLine).ToList();
        var bytes = Join(lines);

        // Flip a byte inside each line in turn (sampled positions): always found at that line.
        foreach (var target in new[] { 0, 7, 19 })
        {
            var offset = lines.Take(target).Sum(l => l.Length + 1);
            foreach (var within in new[] { 2, 30, lines[target].Length / 2, lines[target].Length - 3 })
            {
                var copy = (byte[])bytes.Clone();
                copy[offset + within] ^= 0x01;

                var result = await AuditTrailVerifier.VerifyJsonLinesAsync(new MemoryStream(copy), null, null, default);

                result.IsValid.Should().BeFalse();
                result.FirstBadIndex.Should().Be(target, "byte {0} of line {1} was flipped", within, target);
            }
        }
    }

    [Fact]
    public async Task A_stored_file_that_is_intact_verifies_byte_for_byte()
    {
        var chain = AuditTestData.Chain(20);
        var bytes = Join(chain.Select(AuditHashChain.GetLine));

        var result = await AuditTrailVerifier.VerifyJsonLinesAsync(new MemoryStream(bytes), null, null, default);

        result.IsValid.Should().BeTrue(result.Message);
        result.Count.Should().Be(20);
    }

    [Fact]
    public async Task A_stored_line_changed_without_changing_its_meaning_is_found_as_not_canonical()
    {
        var chain = AuditTestData.Chain(3);
        var lines = chain.Select(AuditHashChain.GetLine).ToList();
        lines[1] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(lines[1]).Replace("\"kind\":", "\"kind\" :", StringComparison.Ordinal));

        var result = await AuditTrailVerifier.VerifyJsonLinesAsync(new MemoryStream(Join(lines)), null, null, default);

        result.Failure.Should().Be(AuditVerificationFailure.NotCanonical);
        result.FirstBadIndex.Should().Be(1);
    }

    [Fact]
    public void Hmac_signed_checkpoints_verify_and_a_forged_one_does_not()
    {
        var chain = AuditTestData.Chain(5);
        var signer = new HmacSha256CheckpointSigner("k1", RandomNumberGenerator.GetBytes(32));
        var signed = AuditHashChain.Sign(new AuditCheckpoint(5, chain[4].Hash, AuditTestData.Start), signer);

        AuditTrailVerifier.Verify(chain, [signed], new AuditVerificationOptions { Signer = signer }).IsValid.Should().BeTrue();
        AuditTrailVerifier.Verify(chain, [signed with { Size = 4, HeadHash = chain[3].Hash }], new AuditVerificationOptions { Signer = signer }).Failure.Should().Be(AuditVerificationFailure.CheckpointSignatureInvalid);
        AuditTrailVerifier.Verify(chain, [signed with { Signature = null }], new AuditVerificationOptions { Signer = signer }).Failure.Should().Be(AuditVerificationFailure.CheckpointSignatureMissing);
        AuditTrailVerifier.Verify(chain, [signed], new AuditVerificationOptions { Signer = new HmacSha256CheckpointSigner("k1", RandomNumberGenerator.GetBytes(32)) }).Failure.Should().Be(AuditVerificationFailure.CheckpointSignatureInvalid);
        AuditTrailVerifier.Verify(chain, [signed], new AuditVerificationOptions { Signer = new HmacSha256CheckpointSigner("k2", RandomNumberGenerator.GetBytes(32)) }).Message.Should().Contain("another key");
    }

    [Fact]
    public void Ecdsa_signed_checkpoints_verify_with_the_public_key_only()
    {
        var chain = AuditTestData.Chain(5);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicKey = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        var signed = AuditHashChain.Sign(new AuditCheckpoint(5, chain[4].Hash, AuditTestData.Start), new ECDsaCheckpointSigner("ec1", key));

        AuditTrailVerifier.Verify(chain, [signed], new AuditVerificationOptions { Signer = new ECDsaCheckpointSigner("ec1", publicKey) }).IsValid.Should().BeTrue();
        AuditTrailVerifier.Verify(chain, [signed with { CreatedAt = signed.CreatedAt.AddSeconds(1) }], new AuditVerificationOptions { Signer = new ECDsaCheckpointSigner("ec1", publicKey) })
            .Failure.Should().Be(AuditVerificationFailure.CheckpointSignatureInvalid);
    }

    [Fact]
    public void An_hmac_key_shorter_than_32_bytes_is_refused()
    {
        var act = () => new HmacSha256CheckpointSigner("k", new byte[16]);

        act.Should().Throw<ArgumentException>().WithMessage("*32 bytes*");
    }

    internal static byte[] Join(IEnumerable<byte[]> lines)
    {
        var buffer = new MemoryStream();
        foreach (var line in lines)
        {
            buffer.Write(line);
            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }
}
