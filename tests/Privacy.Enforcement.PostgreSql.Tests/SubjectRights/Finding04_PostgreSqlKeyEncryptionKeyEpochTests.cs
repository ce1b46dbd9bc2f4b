using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.PostgreSql.Tests.SubjectRights;

/// <summary>
/// Finding 4 (store.subject-delete) on PostgreSQL: a deleted row stays in the heap until vacuum and in the WAL (and in
/// archives and backups) for longer, which the library cannot overwrite. What it can do is make that residue useless:
/// once the key-encryption key epoch the shredded key was wrapped under is retired, nothing can unwrap it.
/// </summary>
public sealed class Finding04_PostgreSqlKeyEncryptionKeyEpochTests
{
    private static readonly byte[] Phone = "+44 7700 900123"u8.ToArray();
    private static readonly SubjectId Erased = new("subject-to-erase");

    [StoreFact]
    public async Task Finding04_after_erasure_and_epoch_retirement_the_wrapped_key_left_in_the_data_directory_cannot_be_unwrapped()
    {
        var server = await PostgresServer.StartPrivateAsync();
        var epoch1 = RandomNumberGenerator.GetBytes(32);
        var epoch2 = RandomNumberGenerator.GetBytes(32);
        try
        {
            var schema = PostgresServer.NewSchema();
            using var firstKek = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = epoch1 }, 1);
            byte[] wrapped;
            byte[] ciphertext;
            byte[] neighbour;
            await using (var first = NewInstance(server, schema, firstKek))
            {
                var encryptor = first.GetRequiredService<SubjectFieldEncryptor>();
                ciphertext = await encryptor.EncryptAsync(Erased, "phone", Phone, default);
                neighbour = await encryptor.EncryptAsync(new SubjectId("neighbour"), "phone", Phone, default);
                wrapped = (await first.GetRequiredService<ISubjectKeyStore>().FindAsync(Erased, default))!.WrappedKey.ToArray();

                (await first.GetRequiredService<ISubjectRightsService>().EraseAsync(Erased, default)).Status.Should().Be(SubjectRightsRequestStatus.Completed);
            }

            await CheckpointAsync(server);
            var residue = ScanDataDirectory(server, wrapped);
            residue.Should().NotBeEmpty("PostgreSQL keeps a deleted row in the heap until vacuum and in the WAL; the test checks that this residue is useless, not that it is gone");

            // The host rolls out epoch 2 as current and retires epoch 1: live keys are re-wrapped, then epoch 1 is destroyed.
            using var rotatedKek = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = epoch1, [2] = epoch2 }, 2);
            await using var second = NewInstance(server, schema, rotatedKek);
            var retirement = await second.GetRequiredService<KeyEncryptionKeyRotation>().RetireOlderEpochsAsync(default);

            retirement.Rewrapped.Should().Be(1, "only the neighbour's key is live");
            retirement.Retired.Should().Equal(1);
            (await second.GetRequiredService<SubjectFieldEncryptor>().DecryptAsync(new SubjectId("neighbour"), "phone", neighbour, default)).Should().Equal(Phone);

            await CheckpointAsync(server);
            residue = ScanDataDirectory(server, wrapped);
            residue.Should().NotBeEmpty();
            foreach (var (file, candidate) in residue)
            {
                await FluentActions.Awaiting(async () => await rotatedKek.UnwrapAsync(1, candidate, Context(Erased), default))
                    .Should().ThrowAsync<CryptographicException>($"the residue in {file} was wrapped under the retired epoch 1");
            }
        }
        finally
        {
            server.Stop();
        }
    }

    private static ServiceProvider NewInstance(PostgresServer server, string schema, IKeyEncryptionKeyProvider kek)
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>));
        services.AddPrivacyEnforcement().UsePostgreSql(server.ConnectionString, o => o.Schema = schema).UseSubjectKeyEncryption(_ => kek);
        return services.BuildServiceProvider();
    }

    private static byte[] Context(SubjectId subject) => Encoding.UTF8.GetBytes("privacy-enforcement.subject-key:" + subject.Value);

    private static async Task CheckpointAsync(PostgresServer server)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
        await checkpoint.ExecuteNonQueryAsync();
    }

    // Every file of the cluster (heap, indexes, WAL segments), cut at each hit to the wrapped key's length.
    private static List<(string File, byte[] Candidate)> ScanDataDirectory(PostgresServer server, byte[] wrapped)
    {
        var found = new List<(string, byte[])>();
        foreach (var path in Directory.EnumerateFiles(server.DataDirectory!, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = KeyResidue.ReadShared(path);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var hit in KeyResidue.Find(bytes, wrapped))
            {
                if (KeyResidue.Cut(bytes, hit, wrapped.Length) is { } candidate && candidate.AsSpan().SequenceEqual(wrapped))
                {
                    found.Add((Path.GetRelativePath(server.DataDirectory!, path), candidate));
                }
            }
        }

        return found;
    }
}
