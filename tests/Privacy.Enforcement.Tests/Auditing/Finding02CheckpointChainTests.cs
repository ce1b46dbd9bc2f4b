using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.Tool;
using Privacy.Enforcement.Tool.Auditing;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>
/// Finding 2: signed checkpoints must stop truncation and forgery. Each attack below is made on a trail the pipeline
/// wrote with signed checkpoints every 10 events, then checked with <c>privacy audit verify</c> and the library.
/// </summary>
public sealed class Finding02CheckpointChainTests : IDisposable
{
    private readonly string _dir = AuditTestData.TempDirectory();
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly string _trail;
    private readonly string _checkpoints;
    private readonly string _keyFile;

    public Finding02CheckpointChainTests()
    {
        _trail = Path.Combine(_dir, "trail.jsonl");
        _checkpoints = Path.Combine(_dir, "checkpoints.jsonl");
        _keyFile = Path.Combine(_dir, "hmac.key");
        File.WriteAllText(_keyFile, Convert.ToBase64String(_key));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private HmacSha256CheckpointSigner Signer => new("k1", _key);

    [Fact]
    public async Task Finding02_a_trail_rehashed_with_every_deny_made_a_permit_and_its_checkpoints_deleted_fails_with_a_key()
    {
        await WriteTrailAsync(30);
        (await VerifyAsync()).Code.Should().Be(AuditTool.Ok);

        // The attacker re-seals the whole trail with every Deny turned into a Permit and deletes the checkpoints.
        var forged = new List<AuditEvent>();
        var head = AuditHashChain.GenesisHash;
        foreach (var e in await ReadTrailAsync())
        {
            var sealedEvent = AuditHashChain.Seal(e with { Outcome = "Permit", Hash = string.Empty, PreviousHash = string.Empty }, e.Sequence, head);
            head = sealedEvent.Hash;
            forged.Add(sealedEvent);
        }

        await File.WriteAllLinesAsync(_trail, forged.Select(e => Encoding.UTF8.GetString(AuditHashChain.GetLine(e))));
        File.Delete(_checkpoints);

        var withoutCheckpoints = await RunToolAsync("verify", "--trail", _trail, "--hmac-key-file", _keyFile, "--key-id", "k1");
        withoutCheckpoints.Code.Should().Be(AuditTool.VerificationFailed, withoutCheckpoints.Output);
        withoutCheckpoints.Output.Should().Contain("CheckpointMissing");

        await File.WriteAllTextAsync(_checkpoints, string.Empty);
        var emptyCheckpoints = await VerifyAsync();
        emptyCheckpoints.Code.Should().Be(AuditTool.VerificationFailed, emptyCheckpoints.Output);
        emptyCheckpoints.Output.Should().Contain("CheckpointMissing");
    }

    [Fact]
    public async Task Finding02_a_checkpoint_deleted_from_the_middle_of_the_chain_is_found()
    {
        await WriteTrailAsync(30);
        var lines = await File.ReadAllLinesAsync(_checkpoints);
        lines.Should().HaveCount(3);
        await File.WriteAllLinesAsync(_checkpoints, [lines[0], lines[2]]);

        var result = await VerifyAsync();
        result.Code.Should().Be(AuditTool.VerificationFailed, result.Output);
        result.Output.Should().Contain("CheckpointChainBroken");

        // Two checkpoints swapped.
        await File.WriteAllLinesAsync(_checkpoints, [lines[0], lines[2], lines[1]]);
        (await VerifyAsync()).Output.Should().Contain("CheckpointChainBroken");

        // The oldest deleted: what is left still pins every event up to its size, so it verifies (a verifier may be
        // given only the newest checkpoints).
        await File.WriteAllLinesAsync(_checkpoints, [lines[1], lines[2]]);
        (await VerifyAsync()).Code.Should().Be(AuditTool.Ok);
    }

    [Fact]
    public async Task Finding02_a_trail_truncated_with_the_checkpoints_above_the_cut_fails_against_an_expected_size_or_an_anchor()
    {
        await WriteTrailAsync(30);
        var anchor = Path.Combine(_dir, "anchor.jsonl");
        var checkpointLines = await File.ReadAllLinesAsync(_checkpoints);
        var trailLines = await File.ReadAllLinesAsync(_trail);
        await File.WriteAllLinesAsync(anchor, [checkpointLines[^1]]); // what the host published elsewhere

        await File.WriteAllLinesAsync(_trail, trailLines.Take(15));
        await File.WriteAllLinesAsync(_checkpoints, checkpointLines.Take(1));

        // What the host itself holds is consistent: only an outside reference can tell.
        (await VerifyAsync()).Code.Should().Be(AuditTool.Ok);

        var expected = await VerifyAsync("--expect-at-least", "30");
        expected.Code.Should().Be(AuditTool.VerificationFailed, expected.Output);
        expected.Output.Should().Contain("Truncated").And.Contain("30");

        var anchored = await VerifyAsync("--anchor", anchor);
        anchored.Code.Should().Be(AuditTool.VerificationFailed, anchored.Output);
        anchored.Output.Should().Contain("Truncated");

        // The trail restored, the checkpoints above the cut still gone: the anchor is not in the chain.
        await File.WriteAllLinesAsync(_trail, trailLines);
        await File.WriteAllLinesAsync(_checkpoints, checkpointLines.Take(2));
        var cut = await VerifyAsync("--anchor", anchor);
        cut.Code.Should().Be(AuditTool.VerificationFailed, cut.Output);
        cut.Output.Should().Contain("CheckpointChainBroken");
    }

    [Fact]
    public async Task Finding02_events_deleted_after_the_newest_checkpoint_fail_against_an_expected_size()
    {
        await WriteTrailAsync(25);
        var checkpointLines = await File.ReadAllLinesAsync(_checkpoints);
        await File.WriteAllLinesAsync(_checkpoints, checkpointLines.Take(2)); // 10 and 20: the process died before the next one
        (await VerifyAsync("--expect-at-least", "25")).Code.Should().Be(AuditTool.Ok);

        await File.WriteAllLinesAsync(_trail, (await File.ReadAllLinesAsync(_trail)).Take(21));

        var result = await VerifyAsync("--expect-at-least", "25");
        result.Code.Should().Be(AuditTool.VerificationFailed, result.Output);
        result.Output.Should().Contain("Truncated");
    }

    [Fact]
    public async Task Finding02_the_pipeline_refuses_to_resume_onto_a_broken_checkpoint_chain()
    {
        await WriteTrailAsync(30);
        var lines = await File.ReadAllLinesAsync(_checkpoints);
        await File.WriteAllLinesAsync(_checkpoints, [lines[0], lines[2]]);

        await AssertRefusesToResumeAsync();
        (await File.ReadAllLinesAsync(_trail)).Should().HaveCount(30, "nothing is appended onto a trail whose checkpoints do not chain");
    }

    [Fact]
    public async Task Finding02_the_pipeline_refuses_to_resume_onto_a_checkpoint_whose_signature_does_not_verify()
    {
        await WriteTrailAsync(30);
        var lines = await File.ReadAllLinesAsync(_checkpoints);
        var forged = AuditHashChain.Sign(
            new AuditCheckpoint(30, (await ReadTrailAsync())[^1].Hash, AuditTestData.Start),
            new HmacSha256CheckpointSigner("k1", RandomNumberGenerator.GetBytes(32)));
        await File.WriteAllLinesAsync(_checkpoints, [.. lines.Take(2), Encoding.UTF8.GetString(AuditHashChain.GetCheckpointLine(forged))]);

        await AssertRefusesToResumeAsync();
    }

    private async Task AssertRefusesToResumeAsync()
    {
        var time = new FakeTimeProvider(AuditTestData.Start);
        using var sink = new JsonLinesAuditSink(_trail);
        using var checkpoints = new JsonLinesCheckpointSink(_checkpoints);
        var options = new AuditTrailOptions { Timeout = TimeSpan.FromSeconds(1), ShutdownTimeout = TimeSpan.FromSeconds(5), CheckpointInterval = TimeSpan.Zero };
        var trail = new AuditTrailPipeline(sink, null, checkpoints, Signer, options, time);

        // The caller arms the watchdog for its entry before RecordAsync returns: moving the clock by the timeout fires it.
        var record = trail.RecordAsync(AuditTestData.Event(31), default).AsTask();
        time.Advance(options.Timeout);

        await record.Invoking(r => r.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<AuditUnavailableException>();
        var dispose = trail.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(5));
        await dispose;
        (await sink.ReadLastAsync(default))!.Sequence.Should().Be(30);
    }

    /// <summary>Writes <paramref name="count"/> Deny decisions through the pipeline, signed checkpoints every 10 and on dispose.</summary>
    private async Task WriteTrailAsync(int count)
    {
        File.Delete(_trail);
        File.Delete(_checkpoints);
        using var sink = new JsonLinesAuditSink(_trail);
        using var checkpoints = new JsonLinesCheckpointSink(_checkpoints);
        var options = new AuditTrailOptions { CheckpointEveryEvents = 10, CheckpointInterval = TimeSpan.Zero, MaxBatchSize = 1 };
        await using var trail = new AuditTrailPipeline(sink, null, checkpoints, Signer, options, new FakeTimeProvider(AuditTestData.Start));
        for (var i = 1; i <= count; i++)
        {
            await trail.RecordAsync(AuditTestData.Event(i) with { Outcome = "Deny", PermittedCategories = [], Reasons = ["NoConsent"] }, default);
        }
    }

    private async Task<List<AuditEvent>> ReadTrailAsync()
    {
        using var sink = new JsonLinesAuditSink(_trail);
        return await sink.ReadAsync(1, default).ToListAsync();
    }

    private Task<(int Code, string Output)> VerifyAsync(params string[] more)
        => RunToolAsync(["verify", "--trail", _trail, "--checkpoints", _checkpoints, "--hmac-key-file", _keyFile, "--key-id", "k1", .. more]);

    private static async Task<(int Code, string Output)> RunToolAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PrivacyTool.RunAsync(["audit", .. args], output, error, default);
        return (code, output.ToString() + error);
    }
}
