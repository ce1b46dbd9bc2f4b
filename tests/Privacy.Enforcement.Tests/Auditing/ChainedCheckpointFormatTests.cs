using System.Text;
using Privacy.Enforcement.Tests.Canonical;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>
/// The checkpoint of one chain of a trail kept as several chains (one per writer): its chain id and the other chains'
/// sizes and heads are pinned in its signed payload, read back from its stored line, and covered by its signature; a
/// single-chain checkpoint keeps the bytes it always had (pinned in <c>CanonicalFormGoldenTests</c>).
/// </summary>
public sealed class ChainedCheckpointFormatTests
{
    private static readonly string Other = string.Concat(Enumerable.Repeat("ab", 32));

    private static AuditCheckpoint Chained() => new(42, CanonicalFormInputs.PreviousHash, CanonicalFormInputs.ExtremeTimes[3], "key-\u00E9")
    {
        PreviousCheckpointHash = AuditHashChain.GenesisHash,
        Chain = 3,
        OtherChains = [new AuditChainSize(0, 7, Other), new AuditChainSize(5, 0, AuditHashChain.GenesisHash)],
    };

    [Fact]
    public void A_chained_checkpoint_has_the_pinned_payload_and_hash()
    {
        Encoding.ASCII.GetString(AuditHashChain.GetCheckpointPayload(Chained())).Should().Be(
            """{"size":42,"headHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff","createdAt":"9999-12-31T23:59:59.9999999Z","previousCheckpointHash":"0000000000000000000000000000000000000000000000000000000000000000","chain":3,"otherChains":[{"chain":0,"size":7,"headHash":"abababababababababababababababababababababababababababababababab"},{"chain":5,"size":0,"headHash":"0000000000000000000000000000000000000000000000000000000000000000"}],"keyId":"key-\u00E9"}""");
        AuditHashChain.GetCheckpointHash(Chained()).Should().Be("03a8a5dfb3d161a7ce77423761d70a402dea901a467a34c054edc4445f2a5b12");
    }

    [Fact]
    public void A_chained_checkpoint_reads_back_from_its_line_with_its_chains()
    {
        var read = AuditHashChain.ParseCheckpointLine(AuditHashChain.GetCheckpointLine(Chained()));

        read.Chain.Should().Be(3);
        read.OtherChains.Should().Equal(Chained().OtherChains);
        AuditHashChain.GetCheckpointHash(read).Should().Be(AuditHashChain.GetCheckpointHash(Chained()));
    }

    [Fact]
    public void A_chain_named_otherwise_than_signed_breaks_the_signature()
    {
        var signer = new HmacSha256CheckpointSigner("k1", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var signed = AuditHashChain.Sign(Chained(), signer);
        AuditCheckpointChain.CheckSignature(signed, signer).Should().BeNull();

        // A chain's size lowered (to hide a truncation), a chain dropped from the list, or the checkpoint moved to another chain.
        AuditCheckpointChain.CheckSignature(signed with { OtherChains = [new AuditChainSize(0, 6, Other), new AuditChainSize(5, 0, AuditHashChain.GenesisHash)] }, signer).Should().NotBeNull();
        AuditCheckpointChain.CheckSignature(signed with { OtherChains = [new AuditChainSize(5, 0, AuditHashChain.GenesisHash)] }, signer).Should().NotBeNull();
        AuditCheckpointChain.CheckSignature(signed with { Chain = 4 }, signer).Should().NotBeNull();
    }

    [Fact]
    public void A_checkpoint_naming_its_own_chain_among_the_others_or_a_malformed_head_is_not_well_formed()
    {
        AuditCheckpointChain.IsWellFormed(Chained()).Should().BeTrue();
        AuditCheckpointChain.IsWellFormed(Chained() with { OtherChains = [new AuditChainSize(3, 1, Other)] }).Should().BeFalse();
        AuditCheckpointChain.IsWellFormed(Chained() with { OtherChains = [new AuditChainSize(1, 1, "AB")] }).Should().BeFalse();
        AuditCheckpointChain.IsWellFormed(Chained() with { OtherChains = [new AuditChainSize(1, -1, Other)] }).Should().BeFalse();
    }

    [Fact]
    public void A_line_with_an_unknown_member_in_its_chains_is_refused()
    {
        var line = Encoding.ASCII.GetString(AuditHashChain.GetCheckpointLine(Chained())).Replace("\"size\":7", "\"sizes\":7", StringComparison.Ordinal);
        var parse = () => AuditHashChain.ParseCheckpointLine(Encoding.ASCII.GetBytes(line));
        parse.Should().Throw<FormatException>().WithMessage("*sizes*otherChains*");
    }
}
