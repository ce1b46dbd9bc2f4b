using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.Sqlite.Tests.SubjectRights;

/// <summary>
/// Finding 4 (store.subject-delete): crypto-shredding only works if the wrapped data key is really gone. After an
/// erasure, neither the database file nor its write-ahead log may still hold any run of the wrapped key's bytes, so the
/// still-live key-encryption key has nothing to unwrap.
/// </summary>
public sealed class Finding04_SqliteErasureLeavesNoKeyOnDiskTests : IDisposable
{
    private static readonly byte[] Phone = "+44 7700 900123"u8.ToArray();

    private readonly SqliteTestDatabase _database = new();
    private readonly AesGcmKeyEncryptionKeyProvider _kek = new(new Dictionary<int, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) }, 1);

    [Fact]
    public async Task Finding04_after_erasure_no_byte_run_of_the_wrapped_key_is_in_the_db_or_wal_file()
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>));
        services.AddPrivacyEnforcement().UseSqlite(_database.ConnectionString).UseSubjectKeyEncryption(_ => _kek);
        await using var provider = services.BuildServiceProvider();
        var encryptor = provider.GetRequiredService<SubjectFieldEncryptor>();
        var keys = provider.GetRequiredService<ISubjectKeyStore>();

        // Neighbours on the same pages, before and after the erased subject's row.
        for (var i = 0; i < 40; i++)
        {
            await encryptor.EncryptAsync(new SubjectId($"before-{i}"), "phone", Phone, default);
        }

        var erased = new SubjectId("subject-to-erase");
        var ciphertext = await encryptor.EncryptAsync(erased, "phone", Phone, default);
        var neighbour = Array.Empty<byte>();
        for (var i = 0; i < 40; i++)
        {
            neighbour = await encryptor.EncryptAsync(new SubjectId($"after-{i}"), "phone", Phone, default);
        }

        var wrapped = (await keys.FindAsync(erased, default))!.WrappedKey.ToArray();

        var request = await provider.GetRequiredService<ISubjectRightsService>().EraseAsync(erased, default);

        request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        (await keys.FindAsync(erased, default)).Should().BeNull();
        AssertNoResidue(wrapped, ciphertext, "as the erasure left the files");

        // An attacker who copies the files and opens them checkpoints whatever the log still holds into the file.
        await using (var connection = new SqliteConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(FULL)";
            await checkpoint.ExecuteNonQueryAsync();
        }

        AssertNoResidue(wrapped, ciphertext, "after a further WAL checkpoint");

        // The neighbours' keys are untouched.
        (await encryptor.DecryptAsync(new SubjectId("after-39"), "phone", neighbour, default)).Should().Equal(Phone);
    }

    public void Dispose()
    {
        _database.Dispose();
        _kek.Dispose();
    }

    private void AssertNoResidue(byte[] wrapped, byte[] ciphertext, string when)
    {
        var report = new StringBuilder();
        foreach (var path in new[] { _database.FilePath, _database.FilePath + "-wal" })
        {
            if (!File.Exists(path))
            {
                continue;
            }

            var bytes = KeyResidue.ReadShared(path);
            foreach (var hit in KeyResidue.Find(bytes, wrapped))
            {
                report.Append(System.Globalization.CultureInfo.InvariantCulture, $"{Path.GetFileName(path)}@{hit.At} (key bytes {hit.SecretOffset}..{hit.SecretOffset + KeyResidue.Window})");
                if (KeyResidue.Cut(bytes, hit, wrapped.Length) is { } residue)
                {
                    report.Append(TryRecover(residue, ciphertext) is { } phone ? $" recovers the phone number '{Encoding.UTF8.GetString(phone)}' with the live KEK; " : " does not decrypt; ");
                }
            }
        }

        report.ToString().Should().BeEmpty($"no run of the erased subject's wrapped key may remain on disk {when}");
    }

    private byte[]? TryRecover(byte[] residue, byte[] ciphertext)
    {
        try
        {
            var context = Encoding.UTF8.GetBytes("privacy-enforcement.subject-key:subject-to-erase");
            var key = _kek.UnwrapAsync(1, residue, context, default).AsTask().GetAwaiter().GetResult();
            using var aes = new AesGcm(key, 16);
            var subject = "subject-to-erase"u8;
            var aad = new byte[1 + 4 + subject.Length + 4 + 5];
            aad[0] = 1;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(1), subject.Length);
            subject.CopyTo(aad.AsSpan(5));
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(5 + subject.Length), 5);
            "phone"u8.CopyTo(aad.AsSpan(9 + subject.Length));
            var plain = new byte[ciphertext.Length - 13 - 16];
            aes.Decrypt(ciphertext.AsSpan(1, 12), ciphertext.AsSpan(13, plain.Length), ciphertext.AsSpan(ciphertext.Length - 16), plain, aad);
            return plain;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
