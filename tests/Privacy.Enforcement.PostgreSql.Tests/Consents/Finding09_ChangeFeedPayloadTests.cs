using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.PostgreSql.Tests.Consents;

/// <summary>
/// Any role that can connect may LISTEN on any channel: PostgreSQL has no grant for it. What the change feed sends
/// must therefore say nothing about an individual subject to a role that has no grant on the schema.
/// </summary>
public sealed class Finding09_ChangeFeedPayloadTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly PostgresTestSchema _schema = new();
    private readonly string _role = "snoop_" + Guid.NewGuid().ToString("N")[..12];
    private bool _created;

    [StoreFact]
    public async Task Finding09_A_role_without_grants_that_listens_on_the_channel_learns_no_subject_id()
    {
        var instance = await _schema.NewInstanceAsync();
        var consents = instance.GetRequiredService<IConsentStore>();
        await consents.GetFactsAsync(StoreTestData.NewSubject(), CancellationToken.None).CollectAsync(); // the schema exists

        await using (var admin = new NpgsqlConnection(_schema.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE ROLE {_role} LOGIN", admin);
            await create.ExecuteNonQueryAsync();
            _created = true;
        }

        var snoopConnection = new NpgsqlConnectionStringBuilder(_schema.ConnectionString) { Username = _role, Pooling = false }.ConnectionString;
        await using var snoop = new NpgsqlConnection(snoopConnection);
        await snoop.OpenAsync();

        // The role really has no grant on the schema: it cannot read the facts.
        await using (var read = new NpgsqlCommand($"SELECT count(*) FROM \"{_schema.Schema}\".pe_consent_facts", snoop))
        {
            var denied = async () => await read.ExecuteScalarAsync();
            (await denied.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.InsufficientPrivilege);
        }

        var payloads = new ConcurrentQueue<string>();
        snoop.Notification += (_, e) => payloads.Enqueue(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN \"pe_changes_{_schema.Schema}\"", snoop))
        {
            await listen.ExecuteNonQueryAsync();
        }

        // Every kind of subject-changing write, and an explicit announcement.
        var subjects = new List<SubjectId>();
        for (var i = 0; i < 8; i++)
        {
            var subject = StoreTestData.NewSubject();
            subjects.Add(subject);
            var consent = ConsentId.New();
            await consents.AppendAsync(StoreTestData.Grant(subject, consent), CancellationToken.None);
            await consents.AppendAsync(StoreTestData.Withdrawal(subject, consent), CancellationToken.None);
        }

        await instance.GetRequiredService<IAcceptanceStore>().AppendObjectionAsync(new(subjects[0], new PurposeId("marketing.own"), ObjectionState.Raised, StoreTestData.Epoch), CancellationToken.None);
        await consents.DeleteSubjectAsync(subjects[1], CancellationToken.None);
        var unicode = new SubjectId("sübjèct-主体-\U0001F600-" + Guid.NewGuid().ToString("N"));
        await instance.GetRequiredService<IPrivacyChangeFeed>().PublishAsync(unicode, CancellationToken.None);
        const int Expected = (8 * 2) + 3;

        // Bounded real-time wait: the notifications cross a real server.
        using var timeout = new CancellationTokenSource(Bound);
        while (payloads.Count < Expected && !timeout.IsCancellationRequested)
        {
            try
            {
                await snoop.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        payloads.Should().HaveCount(Expected, "every write is still announced");
        foreach (var payload in payloads)
        {
            foreach (var subject in subjects.Append(unicode))
            {
                payload.Should().NotContain(subject.Value, "a listener without grants must learn no subject id");
            }
        }

        // What is announced is the stripe, computed in SQL exactly as the listeners compute it for their cached subjects.
        string Stripe(SubjectId s) => $"{SubjectChange.StripeOf(s, 256)}/256";
        var expected = subjects.SelectMany(s => new[] { Stripe(s), Stripe(s) }).Append(Stripe(subjects[0])).Append(Stripe(subjects[1])).Append(Stripe(unicode));
        payloads.Should().Equal(expected);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _schema.DisposeAsync();
        if (_created)
        {
            var connectionString = _schema.ConnectionString;
            await using var admin = new NpgsqlConnection(connectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {_role}", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
