using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.SubjectRights.Crypto;

public sealed class SubjectFieldEncryptorTests : IDisposable
{
    private static readonly SubjectId Alice = new("alice");
    private static readonly SubjectId Bob = new("bob");
    private static readonly byte[] Kek1 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Kek2 = RandomNumberGenerator.GetBytes(32);

    private readonly InMemorySubjectKeyStore _keys = new();
    private readonly AesGcmKeyEncryptionKeyProvider _kek = new(new Dictionary<int, byte[]> { [1] = Kek1 }, 1);
    private readonly SubjectFieldEncryptor _encryptor;

    public SubjectFieldEncryptorTests() => _encryptor = new SubjectFieldEncryptor(_keys, _kek, new FakeTimeProvider());

    public void Dispose() => _kek.Dispose();

    [Fact]
    public async Task store_subject_delete_field_round_trips_with_a_16_byte_tag_and_12_byte_nonce()
    {
        var plaintext = "+86 138 0000 0000"u8.ToArray();

        var ciphertext = await _encryptor.EncryptAsync(Alice, "phone", plaintext, default);

        ciphertext.Length.Should().Be(1 + 12 + plaintext.Length + 16);
        ciphertext.AsSpan(13, plaintext.Length).ToArray().Should().NotEqual(plaintext);
        (await _encryptor.DecryptAsync(Alice, "phone", ciphertext, default)).Should().Equal(plaintext);
        (await _keys.FindAsync(Alice, default))!.WrappedKey.Length.Should().Be(12 + 32 + 16, "only the wrapped key is stored");
    }

    [Fact]
    public async Task store_integrity_any_flipped_byte_of_version_nonce_ciphertext_or_tag_is_rejected()
    {
        var ciphertext = await _encryptor.EncryptAsync(Alice, "phone", "+86 138 0000 0000"u8.ToArray(), default);
        using var key = await _encryptor.GetKeyAsync(Alice, default);

        for (var i = 0; i < ciphertext.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])ciphertext.Clone();
                tampered[i] ^= (byte)(1 << bit);
                var act = () => key.Decrypt("phone", tampered);
                act.Should().Throw<CryptographicException>($"byte {i} bit {bit} was flipped");
            }
        }

        key.Decrypt("phone", ciphertext).Should().Equal("+86 138 0000 0000"u8.ToArray());
    }

    [Fact]
    public async Task store_integrity_associated_data_binds_subject_and_field()
    {
        var ciphertext = await _encryptor.EncryptAsync(Alice, "phone", "123"u8.ToArray(), default);
        using var alice = await _encryptor.GetKeyAsync(Alice, default);

        // Any change of the field name (one flipped character) or a truncated ciphertext fails.
        alice.Invoking(k => k.Decrypt("phonf", ciphertext)).Should().Throw<CryptographicException>();
        alice.Invoking(k => k.Decrypt("phone.", ciphertext)).Should().Throw<CryptographicException>();
        alice.Invoking(k => k.Decrypt("phone", ciphertext.AsSpan(0, 20))).Should().Throw<CryptographicException>();

        // The same data key under another subject name (as if a ciphertext were moved) fails too.
        var rawKey = await _kek.UnwrapAsync(1, (await _keys.FindAsync(Alice, default))!.WrappedKey, System.Text.Encoding.UTF8.GetBytes("privacy-enforcement.subject-key:alice"), default);
        using var moved = new SubjectDataKey(new SubjectId("alicf"), rawKey);
        moved.Invoking(k => k.Decrypt("phone", ciphertext)).Should().Throw<CryptographicException>();
        using var same = new SubjectDataKey(Alice, rawKey);
        same.Decrypt("phone", ciphertext).Should().Equal("123"u8.ToArray());
    }

    [Fact]
    public async Task store_integrity_no_nonce_repeats_in_a_million_encryptions()
    {
        using var key = await _encryptor.GetOrCreateKeyAsync(Alice, default);
        var buffer = new byte[SubjectDataKey.GetCiphertextLength(0)];
        var seen = new HashSet<UInt128>(1_000_000);
        var repeats = 0;

        for (var i = 0; i < 1_000_000; i++)
        {
            key.Encrypt("f", [], buffer);
            var nonce = buffer.AsSpan(1, SubjectDataKey.NonceSize);
            if (!seen.Add(new UInt128(BinaryPrimitives.ReadUInt32BigEndian(nonce), BinaryPrimitives.ReadUInt64BigEndian(nonce[4..]))))
            {
                repeats++;
            }
        }

        repeats.Should().Be(0);
        seen.Count.Should().Be(1_000_000);
    }

    [Fact]
    public async Task store_subject_delete_after_shredding_the_subjects_fields_fail_to_decrypt_and_others_still_work()
    {
        var aliceField = await _encryptor.EncryptAsync(Alice, "email", "alice@example.com"u8.ToArray(), default);
        var bobField = await _encryptor.EncryptAsync(Bob, "email", "bob@example.com"u8.ToArray(), default);

        (await _encryptor.ShredAsync(Alice, default)).Should().BeTrue();

        var act = async () => await _encryptor.DecryptAsync(Alice, "email", aliceField, default);
        (await act.Should().ThrowAsync<SubjectKeyShreddedException>()).WithMessage("*destroyed*").Which.Message.Should().NotContain("alice");
        (await _encryptor.DecryptAsync(Bob, "email", bobField, default)).Should().Equal("bob@example.com"u8.ToArray());

        // A new key for a returning subject cannot open the old ciphertexts either.
        await _encryptor.EncryptAsync(Alice, "email", "again"u8.ToArray(), default);
        var again = async () => await _encryptor.DecryptAsync(Alice, "email", aliceField, default);
        await again.Should().ThrowAsync<CryptographicException>();
    }

    [Fact]
    public async Task key_rotation_rewraps_data_keys_under_the_new_kek_and_old_ciphertexts_still_decrypt()
    {
        var aliceField = await _encryptor.EncryptAsync(Alice, "email", "alice@example.com"u8.ToArray(), default);
        var bobField = await _encryptor.EncryptAsync(Bob, "email", "bob@example.com"u8.ToArray(), default);
        using var rotated = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = Kek1, [2] = Kek2 }, 2);
        var encryptor = new SubjectFieldEncryptor(_keys, rotated, new FakeTimeProvider());

        (await encryptor.RewrapAsync(default)).Should().Be(2);

        (await _keys.FindAsync(Alice, default))!.KekVersion.Should().Be(2);
        (await encryptor.RewrapAsync(default)).Should().Be(0, "nothing is left under the old version");

        // Version 1 can now be retired: only version 2 is needed to read every field.
        using var onlyNew = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [2] = Kek2 }, 2);
        var retired = new SubjectFieldEncryptor(_keys, onlyNew, new FakeTimeProvider());
        (await retired.DecryptAsync(Alice, "email", aliceField, default)).Should().Equal("alice@example.com"u8.ToArray());
        (await retired.DecryptAsync(Bob, "email", bobField, default)).Should().Equal("bob@example.com"u8.ToArray());
    }

    [Fact]
    public async Task key_encryption_key_rejects_a_tampered_wrapped_key_a_wrong_subject_or_an_unknown_version()
    {
        var context = "alice"u8.ToArray();
        var wrapped = await _kek.WrapAsync(new byte[32], context, default);

        for (var i = 0; i < wrapped.WrappedKey.Length; i++)
        {
            var tampered = (byte[])wrapped.WrappedKey.Clone();
            tampered[i] ^= 0x01;
            var act = async () => await _kek.UnwrapAsync(1, tampered, context, default);
            await act.Should().ThrowAsync<CryptographicException>();
        }

        var otherSubject = async () => await _kek.UnwrapAsync(1, wrapped.WrappedKey, "bob"u8.ToArray(), default);
        await otherSubject.Should().ThrowAsync<CryptographicException>();
        var unknown = async () => await _kek.UnwrapAsync(7, wrapped.WrappedKey, context, default);
        (await unknown.Should().ThrowAsync<CryptographicException>()).WithMessage("*version 7*");
    }

    [Fact]
    public void key_encryption_key_must_be_256_bits()
    {
        var act = () => new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = new byte[16] }, 1);
        act.Should().Throw<ArgumentException>().WithMessage("*256 bits*");
        var missing = () => new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = new byte[32] }, 2);
        missing.Should().Throw<ArgumentException>().WithMessage("*version 2*");
    }
}
