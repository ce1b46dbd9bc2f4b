using System.Security.Cryptography;
using Privacy.Enforcement.Tool;
using Privacy.Enforcement.Tool.Auditing;

namespace Privacy.Enforcement.Tests.Auditing;

public sealed class AuditToolTests : IDisposable
{
    private readonly string _dir = AuditTestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Verify_prints_ok_with_count_and_head_hash_for_an_intact_signed_trail()
    {
        var (trail, checkpoints, keyFile, chain) = await WriteTrailAsync(10);

        var (code, output) = await RunAsync("verify", "--trail", trail, "--checkpoints", checkpoints, "--hmac-key-file", keyFile, "--key-id", "k1");

        code.Should().Be(AuditTool.Ok, output);
        output.Should().StartWith($"OK 10 events, head {chain[^1].Hash}, 1 checkpoints verified (signatures checked)");
    }

    [Fact]
    public async Task Verify_names_the_first_bad_index_and_exits_non_zero_for_a_flipped_byte()
    {
        var (trail, checkpoints, _, _) = await WriteTrailAsync(10);
        var bytes = await File.ReadAllBytesAsync(trail);
        var lines = await File.ReadAllLinesAsync(trail);
        var offset = lines.Take(6).Sum(l => l.Length + 1) + 40;
        bytes[offset] ^= 0x02;
        await File.WriteAllBytesAsync(trail, bytes);

        var (code, output) = await RunAsync("verify", "--trail", trail, "--checkpoints", checkpoints);

        code.Should().Be(AuditTool.VerificationFailed);
        output.Should().Contain("first bad index 6 (sequence 7)");
    }

    [Fact]
    public async Task Verify_finds_a_truncation_against_the_checkpoints()
    {
        var (trail, checkpoints, _, _) = await WriteTrailAsync(10);
        var lines = await File.ReadAllLinesAsync(trail);
        await File.WriteAllLinesAsync(trail, lines.Take(8));

        var (code, output) = await RunAsync("verify", "--trail", trail, "--checkpoints", checkpoints);

        code.Should().Be(AuditTool.VerificationFailed);
        output.Should().Contain("Truncated").And.Contain("first bad index 8");
    }

    [Fact]
    public async Task Verify_with_the_wrong_key_fails_and_bad_usage_exits_with_two()
    {
        var (trail, checkpoints, _, _) = await WriteTrailAsync(3);
        var otherKey = Path.Combine(_dir, "other.key");
        await File.WriteAllTextAsync(otherKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        (await RunAsync("verify", "--trail", trail, "--checkpoints", checkpoints, "--hmac-key-file", otherKey)).Code.Should().Be(AuditTool.VerificationFailed);
        (await RunAsync("verify")).Code.Should().Be(AuditTool.UsageError);
        (await RunAsync("verify", "--trail", Path.Combine(_dir, "missing.jsonl"))).Code.Should().Be(AuditTool.UsageError);
        (await RunAsync("frobnicate")).Code.Should().Be(AuditTool.UsageError);
    }

    private async Task<(string Trail, string Checkpoints, string KeyFile, List<AuditEvent> Chain)> WriteTrailAsync(int count)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var keyFile = Path.Combine(_dir, "hmac.key");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(key));
        var chain = AuditTestData.Chain(count);
        var trail = Path.Combine(_dir, "trail.jsonl");
        var checkpoints = Path.Combine(_dir, "checkpoints.jsonl");
        using (var sink = new JsonLinesAuditSink(trail))
        {
            await sink.WriteBatchAsync(chain, default);
        }

        using (var checkpointSink = new JsonLinesCheckpointSink(checkpoints))
        {
            await checkpointSink.WriteAsync(AuditHashChain.Sign(new AuditCheckpoint(count, chain[^1].Hash, AuditTestData.Start), new HmacSha256CheckpointSigner("k1", key)), default);
        }

        return (trail, checkpoints, keyFile, chain);
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PrivacyTool.RunAsync(["audit", .. args], output, error, default);
        return (code, output.ToString() + error);
    }
}
