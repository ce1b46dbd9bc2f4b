using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>
/// Finding 2: the chained checkpoint format (pinned by golden vectors), legacy checkpoints, the verifier's options and
/// the anchor hook.
/// </summary>
public sealed class Finding02CheckpointFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Finding02_a_chained_checkpoint_signs_its_link_golden_vector()
    {
        var checkpoint = new AuditCheckpoint(10, string.Concat(Enumerable.Repeat("ab", 32)), At, "k1") { PreviousCheckpointHash = AuditHashChain.GenesisHash };

        Encoding.UTF8.GetString(AuditHashChain.GetCheckpointPayload(checkpoint)).Should().Be(
            "{\"size\":10,\"headHash\":\"abababababababababababababababababababababababababababababababab\",\"createdAt\":\"2026-01-02T03:04:05.0000000Z\","
            + "\"previousCheckpointHash\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"keyId\":\"k1\"}");
        AuditHashChain.GetCheckpointHash(checkpoint).Should().Be("21343d6fa83af2d12de2d657f7014aa6375fa16d8e05a64b9dddf85eab2081ac");
    }

    [Fact]
    public void Finding02_a_legacy_checkpoint_line_keeps_its_bytes_and_its_signature_and_verifies_before_chained_ones()
    {
        // Stored by the previous release: no link. Its signed bytes and signature are unchanged.
        const string legacyLine = "{\"size\":10,\"headHash\":\"abababababababababababababababababababababababababababababababab\",\"createdAt\":\"2026-01-02T03:04:05.0000000Z\",\"keyId\":\"k1\",\"signature\":\"5cWRLGFFtJKYDm2fJmoF4kGy4rstCDQhT05hbJGEt/M=\"}";
        var signer = new HmacSha256CheckpointSigner("k1", [.. Enumerable.Range(0, 32).Select(i => (byte)i)]);
        var legacy = AuditHashChain.ParseCheckpointLine(Encoding.UTF8.GetBytes(legacyLine));
        legacy.PreviousCheckpointHash.Should().BeNull();
        Encoding.UTF8.GetString(AuditHashChain.GetCheckpointLine(legacy)).Should().Be(legacyLine);
        AuditHashChain.GetCheckpointHash(legacy).Should().Be("274a274536f8ee8102394c295472dd46f71c5de851c0bea9ab350cbf67d25def");
        signer.Verify(AuditHashChain.GetCheckpointPayload(legacy with { Signature = null }), Convert.FromBase64String(legacy.Signature!)).Should().BeTrue();

        // Legacy checkpoints, then chained ones linking on: valid. A legacy one after a chained one: the chain was rewritten.
        var chain = AuditTestData.Chain(12);
        var oldOne = AuditHashChain.Sign(new AuditCheckpoint(4, chain[3].Hash, At), signer);
        var first = AuditHashChain.Sign(new AuditCheckpoint(8, chain[7].Hash, At) { PreviousCheckpointHash = AuditHashChain.GetCheckpointHash(oldOne) }, signer);
        var second = AuditHashChain.Sign(new AuditCheckpoint(12, chain[11].Hash, At) { PreviousCheckpointHash = AuditHashChain.GetCheckpointHash(first) }, signer);
        var options = new AuditVerificationOptions { Signer = signer };

        AuditTrailVerifier.Verify(chain, [oldOne, first, second], options).Should().Match<AuditVerificationResult>(r => r.IsValid && r.CheckpointsVerified == 3);
        AuditTrailVerifier.Verify(chain, [first, AuditHashChain.Sign(new AuditCheckpoint(10, chain[9].Hash, At), signer), second], options).Failure.Should().Be(AuditVerificationFailure.CheckpointChainBroken);
        AuditTrailVerifier.Verify(chain, [oldOne, second], options).Failure.Should().Be(AuditVerificationFailure.CheckpointChainBroken);
        AuditTrailVerifier.Verify(chain, [second, first], options).Failure.Should().Be(AuditVerificationFailure.CheckpointChainBroken);
    }

    [Fact]
    public void Finding02_the_library_verifier_takes_an_expected_size_and_an_anchor()
    {
        var signer = new HmacSha256CheckpointSigner("k1", RandomNumberGenerator.GetBytes(32));
        var chain = AuditTestData.Chain(20);
        var first = AuditHashChain.Sign(new AuditCheckpoint(10, chain[9].Hash, At) { PreviousCheckpointHash = AuditHashChain.GenesisHash }, signer);
        var second = AuditHashChain.Sign(new AuditCheckpoint(20, chain[19].Hash, At) { PreviousCheckpointHash = AuditHashChain.GetCheckpointHash(first) }, signer);

        AuditTrailVerifier.Verify(chain, [first, second], new() { Signer = signer, MinimumSize = 20, Anchor = second }).IsValid.Should().BeTrue();
        AuditTrailVerifier.Verify(chain, [], new() { Signer = signer }).Failure.Should().Be(AuditVerificationFailure.CheckpointMissing);
        AuditTrailVerifier.Verify(chain.Take(15), [first], new() { Signer = signer, MinimumSize = 20 }).Should().Match<AuditVerificationResult>(r => r.Failure == AuditVerificationFailure.Truncated && r.FirstBadIndex == 15);
        AuditTrailVerifier.Verify(chain.Take(15), [first], new() { Signer = signer, Anchor = second }).Failure.Should().Be(AuditVerificationFailure.Truncated);
        AuditTrailVerifier.Verify(chain, [first], new() { Signer = signer, Anchor = second }).Failure.Should().Be(AuditVerificationFailure.CheckpointChainBroken);

        var forgedAnchor = AuditHashChain.Sign(second, new HmacSha256CheckpointSigner("k1", RandomNumberGenerator.GetBytes(32)));
        AuditTrailVerifier.Verify(chain, [first, second], new() { Signer = signer, Anchor = forgedAnchor }).Failure.Should().Be(AuditVerificationFailure.CheckpointSignatureInvalid);
    }

    [Fact]
    public async Task Finding02_each_durable_checkpoint_is_published_to_the_anchor_and_a_failing_anchor_is_retried_without_holding_decisions()
    {
        var time = new FakeTimeProvider(At);
        var sink = new InMemoryAuditSink();
        var anchor = new RecordingAnchor(failures: 2);
        var options = new AuditTrailOptions { CheckpointEveryEvents = 2, CheckpointInterval = TimeSpan.Zero, MaxBatchSize = 1, RetryInitialDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(1) };
        var trail = new AuditTrailPipeline(sink, null, sink, new HmacSha256CheckpointSigner("k1", RandomNumberGenerator.GetBytes(32)), options, time, anchor: anchor);

        // Decisions are recorded while the anchor fails: it never holds them.
        for (var i = 1; i <= 4; i++)
        {
            await trail.RecordAsync(AuditTestData.Event(i), default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        await anchor.Attempted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 400 && anchor.Published.Count == 0; i++)
        {
            await Task.Delay(10); // the publisher runs on its own loop: a bounded real wait, then the clock
            time.Advance(TimeSpan.FromSeconds(1));
        }

        anchor.Published.Should().NotBeEmpty("a failed publication is retried with back-off");
        anchor.Published[^1].Size.Should().Be(4, "the newest durable checkpoint is the one published (it covers the one that failed)");
        anchor.Published.Should().OnlyContain(c => sink.CheckpointSnapshot().Contains(c), "only checkpoints already durable are published");

        var dispose = trail.DisposeAsync();
        time.Advance(options.ShutdownTimeout);
        await dispose.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Finding02_the_anchor_is_registered_through_the_builder()
    {
        var services = new ServiceCollection();
        var anchor = new RecordingAnchor(failures: 0);
        services.AddPrivacyEnforcement().UseInMemoryStores().UseAuditCheckpointAnchor(anchor);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IAuditCheckpointAnchor>().Should().BeSameAs(anchor);

        var typed = new ServiceCollection();
        typed.AddPrivacyEnforcement().UseInMemoryStores().UseAuditCheckpointAnchor<RecordingAnchor>();
        typed.AddSingleton(new RecordingAnchorSettings());
        using var typedProvider = typed.BuildServiceProvider();
        typedProvider.GetRequiredService<IAuditCheckpointAnchor>().Should().BeOfType<RecordingAnchor>();
    }

    private sealed class RecordingAnchorSettings;

    private sealed class RecordingAnchor(int failures) : IAuditCheckpointAnchor
    {
        private int _failuresLeft = failures;

        public RecordingAnchor(RecordingAnchorSettings settings)
            : this(0)
        {
            ArgumentNullException.ThrowIfNull(settings);
        }

        public List<AuditCheckpoint> Published { get; } = [];

        public TaskCompletionSource Attempted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask PublishAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            Attempted.TrySetResult();
            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                throw new IOException("Injected: the anchor is down.");
            }

            lock (Published)
            {
                Published.Add(checkpoint);
            }

            return ValueTask.CompletedTask;
        }
    }
}
