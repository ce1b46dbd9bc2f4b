using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.SubjectRights.Crypto;

/// <summary>
/// Finding 4 (store.subject-delete): key-encryption key epochs. Retiring an epoch re-wraps every live data key under the
/// current one and only then destroys the old one, so residue of shredded keys becomes unreadable and live data stays
/// readable; an interrupted retirement destroys nothing and resumes.
/// </summary>
public sealed class Finding04_KeyEncryptionKeyRotationTests
{
    private static readonly byte[] Epoch1 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Epoch2 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Phone = "+44 7700 900123"u8.ToArray();

    [Fact]
    public async Task Finding04_retiring_an_epoch_rewraps_live_keys_then_destroys_it_so_a_copy_of_a_shredded_key_cannot_be_unwrapped()
    {
        var keys = new InMemorySubjectKeyStore();
        var time = new FakeTimeProvider();
        using var old = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = Epoch1 }, 1);
        var before = new SubjectFieldEncryptor(keys, old, time);
        var live = await before.EncryptAsync(new SubjectId("live"), "phone", Phone, default);
        await before.EncryptAsync(new SubjectId("erased"), "phone", Phone, default);
        var backup = (await keys.FindAsync(new SubjectId("erased"), default))!;
        await before.ShredAsync(new SubjectId("erased"), default);

        using var kek = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = Epoch1, [2] = Epoch2 }, 2);
        (await kek.UnwrapAsync(1, backup.WrappedKey, Context("erased"), default)).Should().HaveCount(32, "before retirement the backup copy still unwraps");

        var result = await new KeyEncryptionKeyRotation(keys, kek, time).RetireOlderEpochsAsync(default);

        result.Should().BeEquivalentTo(new KeyEncryptionKeyRetirement(1, [1]));
        kek.Versions.Should().Equal(2);
        (await keys.FindAsync(new SubjectId("live"), default))!.KekVersion.Should().Be(2);
        (await new SubjectFieldEncryptor(keys, kek, time).DecryptAsync(new SubjectId("live"), "phone", live, default)).Should().Equal(Phone);
        await FluentActions.Awaiting(async () => await kek.UnwrapAsync(1, backup.WrappedKey, Context("erased"), default)).Should().ThrowAsync<CryptographicException>();
    }

    [Fact]
    public async Task Finding04_an_interrupted_retirement_destroys_nothing_and_the_next_run_finishes_it()
    {
        var inner = new InMemorySubjectKeyStore();
        var time = new FakeTimeProvider();
        using var old = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = Epoch1 }, 1);
        var ciphertexts = new Dictionary<SubjectId, byte[]>();
        for (var i = 0; i < 10; i++)
        {
            ciphertexts[new SubjectId($"s{i}")] = await new SubjectFieldEncryptor(inner, old, time).EncryptAsync(new SubjectId($"s{i}"), "phone", Phone, default);
        }

        using var kek = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = Epoch1, [2] = Epoch2 }, 2);
        var failing = new FailingAfterReplacements(inner, allowed: 4);

        await FluentActions.Awaiting(async () => await new KeyEncryptionKeyRotation(failing, kek, time).RetireOlderEpochsAsync(default)).Should().ThrowAsync<IOException>();

        kek.Versions.Should().Equal([1, 2], "an epoch a live key still needs is never destroyed");
        var encryptor = new SubjectFieldEncryptor(inner, kek, time);
        foreach (var (subject, ciphertext) in ciphertexts)
        {
            (await encryptor.DecryptAsync(subject, "phone", ciphertext, default)).Should().Equal(Phone, "keys moved and keys not yet moved both stay readable");
        }

        var resumed = await new KeyEncryptionKeyRotation(inner, kek, time).RetireOlderEpochsAsync(default);

        resumed.Should().BeEquivalentTo(new KeyEncryptionKeyRetirement(6, [1]));
        foreach (var (subject, ciphertext) in ciphertexts)
        {
            (await encryptor.DecryptAsync(subject, "phone", ciphertext, default)).Should().Equal(Phone);
        }
    }

    [Fact]
    public async Task Finding04_a_provider_that_cannot_destroy_epochs_is_refused_and_the_current_epoch_is_never_destroyed()
    {
        var keys = new InMemorySubjectKeyStore();
        await FluentActions.Awaiting(async () => await new KeyEncryptionKeyRotation(keys, new WrapOnly(), TimeProvider.System).RetireOlderEpochsAsync(default))
            .Should().ThrowAsync<InvalidOperationException>().WithMessage("*cannot destroy epochs*IKeyEncryptionKeyEpochs*");

        using var kek = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = Epoch1 }, 1);
        await FluentActions.Awaiting(async () => await kek.DestroyAsync(1, default)).Should().ThrowAsync<InvalidOperationException>().WithMessage("*current*");
    }

    [Fact]
    public async Task Finding04_the_scheduled_retirement_runs_on_the_fake_clock()
    {
        var time = new FakeTimeProvider();
        using var kek = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = Epoch1, [2] = Epoch2 }, 2);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddPrivacyEnforcement().UseInMemoryStores().UseSubjectKeyEncryption(_ => kek).RetireKeyEncryptionKeyEpochs(o => o.RetireEvery = TimeSpan.FromHours(6));
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().Single(s => s.GetType().Name == "KeyEncryptionKeyRetirementService");
        await hosted.StartAsync(default);
        try
        {
            time.Advance(TimeSpan.FromHours(5));
            kek.Versions.Should().Equal(1, 2);
            time.Advance(TimeSpan.FromHours(1));
            for (var i = 0; i < 200 && kek.Versions.Count > 1; i++)
            {
                // The tick runs on the thread pool: a bounded real-time wait for that thread only.
                await Task.Yield();
                Thread.Sleep(5);
            }

            kek.Versions.Should().Equal(2);
        }
        finally
        {
            await hosted.StopAsync(default);
        }
    }

    private static byte[] Context(string subject) => System.Text.Encoding.UTF8.GetBytes("privacy-enforcement.subject-key:" + subject);

    private sealed class FailingAfterReplacements(ISubjectKeyStore inner, int allowed) : ISubjectKeyStore
    {
        private int _replaced;

        public ValueTask<WrappedSubjectKey?> FindAsync(SubjectId subject, CancellationToken cancellationToken) => inner.FindAsync(subject, cancellationToken);

        public ValueTask<WrappedSubjectKey> GetOrAddAsync(WrappedSubjectKey candidate, CancellationToken cancellationToken) => inner.GetOrAddAsync(candidate, cancellationToken);

        public ValueTask<bool> TryReplaceAsync(WrappedSubjectKey expected, WrappedSubjectKey updated, CancellationToken cancellationToken) =>
            ++_replaced > allowed ? throw new IOException("The store went away.") : inner.TryReplaceAsync(expected, updated, cancellationToken);

        public IAsyncEnumerable<WrappedSubjectKey> GetWrappedBelowAsync(int kekVersion, CancellationToken cancellationToken) => inner.GetWrappedBelowAsync(kekVersion, cancellationToken);

        public ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken) => inner.DeleteAsync(subject, cancellationToken);
    }

    private sealed class WrapOnly : IKeyEncryptionKeyProvider
    {
        public int CurrentVersion => 1;

        public ValueTask<KeyWrapResult> WrapAsync(ReadOnlyMemory<byte> dataKey, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<byte[]> UnwrapAsync(int kekVersion, ReadOnlyMemory<byte> wrappedKey, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
