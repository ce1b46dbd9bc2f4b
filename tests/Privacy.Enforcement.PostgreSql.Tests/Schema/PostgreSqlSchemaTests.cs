using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.PostgreSql.Tests.Schema;

public sealed class PostgreSqlSchemaTests : IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    [StoreFact]
    public async Task Instances_starting_together_migrate_once_and_all_work()
    {
        var instances = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _schema.NewInstanceAsync()));

        await Task.WhenAll(instances.Select(i => Task.Run(() => StartAsync(i))));
        await Task.WhenAll(instances.Select(i => i.GetRequiredService<IConsentStore>().AppendAsync(StoreTestData.Grant(StoreTestData.NewSubject(), ConsentId.New()), CancellationToken.None).AsTask()));

        (await ScalarAsync($"SELECT COUNT(*) FROM \"{_schema.Schema}\".pe_schema_migrations")).Should().Be((long)PostgreSqlMigrations.For(string.Empty).Length, "each migration is applied exactly once");
        (await ScalarAsync($"SELECT COUNT(*) FROM \"{_schema.Schema}\".pe_consent_facts")).Should().Be(4L);
    }

    [StoreFact]
    public async Task A_session_with_synchronous_commit_off_is_refused_at_start_up_naming_the_setting()
    {
        var server = await PostgresServer.GetAsync();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)); // a host has logging
        services.AddPrivacyEnforcement().UsePostgreSql(server.ConnectionString + ";Options=-c synchronous_commit=off", o => o.Schema = _schema.Schema);
        await using var provider = services.BuildServiceProvider();

        var failure = await FluentActions.Awaiting(() => StartAsync(provider)).Should().ThrowAsync<PrivacyStoreException>();

        failure.Which.Message.Should().Contain("synchronous_commit = off");
    }

    [StoreFact]
    public async Task A_server_with_fsync_off_is_refused_at_start_up_naming_the_setting()
    {
        var server = await PostgresServer.StartPrivateAsync("fsync=off");
        try
        {
            var services = new ServiceCollection();
            services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)); // a host has logging
            services.AddPrivacyEnforcement().UsePostgreSql(server.ConnectionString);
            await using var provider = services.BuildServiceProvider();

            var failure = await FluentActions.Awaiting(() => StartAsync(provider)).Should().ThrowAsync<PrivacyStoreException>();
            failure.Which.Message.Should().Contain("fsync = off");

            // A store used without the hosted start-up refuses just the same, before writing anything.
            var store = provider.GetRequiredService<IConsentStore>();
            await FluentActions.Awaiting(async () => await store.AppendAsync(StoreTestData.Grant(StoreTestData.NewSubject(), ConsentId.New()), CancellationToken.None))
                .Should().ThrowAsync<PrivacyStoreException>().WithMessage("*fsync = off*");
        }
        finally
        {
            server.Stop();
        }
    }

    [StoreFact]
    public async Task A_bad_schema_name_is_rejected_at_registration()
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)); // a host has logging

        FluentActions.Invoking(() => services.AddPrivacyEnforcement().UsePostgreSql("Host=127.0.0.1", o => o.Schema = "x\"; DROP SCHEMA public; --"))
            .Should().Throw<ArgumentException>().WithMessage("*Schema*");
        await Task.CompletedTask;
    }

    [StoreFact]
    public async Task An_unreachable_server_fails_with_a_store_exception_that_names_no_data()
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)); // a host has logging
        services.AddPrivacyEnforcement().UsePostgreSql("Host=127.0.0.1;Port=1;Timeout=2", o => o.Schema = _schema.Schema);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IConsentStore>();

        var failure = await FluentActions.Awaiting(async () => await store.GetFactsAsync(new SubjectId("alice@example.com"), CancellationToken.None).CollectAsync())
            .Should().ThrowAsync<PrivacyStoreException>();

        failure.Which.Message.Should().Contain("PostgreSQL").And.NotContain("alice");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    private static async Task StartAsync(IServiceProvider instance)
    {
        foreach (var service in instance.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    [StoreFact]
    public async Task A_version_1_schema_is_upgraded_in_place_and_its_emitted_engagement_ends_stay_quiet()
    {
        // use.third-party.service-end: an obligation emitted before the upgrade must not wake the end monitor again.
        var emitted = StoreTestData.Engagement("archive") with { TerminatedAt = StoreTestData.Epoch.AddDays(3), ObligationEmittedAt = StoreTestData.Epoch.AddDays(3) };
        var pending = StoreTestData.Engagement("courier") with { TerminatedAt = StoreTestData.Epoch.AddDays(5) };
        var instance = await _schema.NewInstanceAsync();
        var prefix = $"\"{_schema.Schema}\".";
        await using (var connection = new NpgsqlConnection(_schema.ConnectionString))
        {
            await connection.OpenAsync();
            await using var setup = new NpgsqlCommand(
                $"CREATE SCHEMA \"{_schema.Schema}\"; CREATE TABLE {prefix}pe_schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()); "
                + PostgreSqlMigrations.For(prefix)[0].Sql
                + $"; INSERT INTO {prefix}pe_schema_migrations (version, description) VALUES (1, 'Initial schema')",
                connection);
            await setup.ExecuteNonQueryAsync();
            foreach (var engagement in new[] { emitted, pending })
            {
                await using var insert = new NpgsqlCommand(
                    $"INSERT INTO {prefix}pe_engagements (id, provider_id, all_subjects, starts_at, effective_end, deletion_confirmed, row_version, payload) VALUES (@id, 'p', 1, 0, @end, 0, 1, @payload)",
                    connection);
                insert.Parameters.AddWithValue("id", engagement.Id.ToString());
                insert.Parameters.AddWithValue("end", engagement.EffectiveEnd!.Value.UtcTicks);
                insert.Parameters.AddWithValue("payload", Privacy.Enforcement.Relational.StoreJson.Serialize(engagement));
                await insert.ExecuteNonQueryAsync();
            }
        }

        var store = instance.GetRequiredService<IEngagementStore>();

        (await store.GetNextEndAsync(StoreTestData.Epoch, CancellationToken.None)).Should().Be(pending.EffectiveEnd);
        (await store.FindAsync(emitted.Id, CancellationToken.None)).Should().BeEquivalentTo(emitted);
        (await ScalarAsync($"SELECT MAX(version) FROM {prefix}pe_schema_migrations")).Should().Be(PostgreSqlMigrations.For(string.Empty)[^1].Version);
    }

    [StoreFact]
    public async Task Finding08_a_version_3_schema_is_upgraded_and_its_completed_erasures_keep_only_the_keyed_hash()
    {
        // store.subject-delete: requests stored before migration 4 for an erasure that completed are sealed by it.
        var erased = StoreTestData.NewSubject();
        var other = StoreTestData.NewSubject();
        var erase = StoreTestData.Ran(StoreTestData.SubjectRightsRequest(erased, SubjectRightsRequestKind.Erase, at: 2), SubjectRightsRequestStatus.Completed);
        var access = StoreTestData.Ran(StoreTestData.SubjectRightsRequest(erased, SubjectRightsRequestKind.Access, at: 1), SubjectRightsRequestStatus.Completed);
        var open = StoreTestData.SubjectRightsRequest(erased, SubjectRightsRequestKind.Rectify, "user.contact.phone_number", at: 3);
        var others = StoreTestData.Ran(StoreTestData.SubjectRightsRequest(other, SubjectRightsRequestKind.Access, at: 4), SubjectRightsRequestStatus.Completed);
        var instance = await _schema.NewInstanceAsync();
        var prefix = $"\"{_schema.Schema}\".";
        await using (var connection = new NpgsqlConnection(_schema.ConnectionString))
        {
            await connection.OpenAsync();
            var before = PostgreSqlMigrations.For(prefix).Where(m => m.Version <= 3).ToArray();
            await using var setup = new NpgsqlCommand(
                $"CREATE SCHEMA \"{_schema.Schema}\"; CREATE TABLE {prefix}pe_schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()); "
                + string.Join(";\n", before.Select(m => m.Sql))
                + $"; INSERT INTO {prefix}pe_schema_migrations (version, description) VALUES (1, 'a'), (2, 'b'), (3, 'c')",
                connection);
            await setup.ExecuteNonQueryAsync();
            foreach (var request in new[] { erase, access, open, others })
            {
                await using var insert = new NpgsqlCommand(
                    $"INSERT INTO {prefix}pe_subject_rights_requests (id, subject_id, kind, scope_key, is_open, received_at, deadline, row_version, payload) VALUES (@id, @subject, @kind, @id, @open, @received, 0, @version, @payload)",
                    connection);
                insert.Parameters.AddWithValue("id", request.Id.ToString());
                insert.Parameters.AddWithValue("subject", request.Subject.Value);
                insert.Parameters.AddWithValue("kind", (long)request.Kind);
                insert.Parameters.AddWithValue("open", request.IsOpen ? 1L : 0L);
                insert.Parameters.AddWithValue("received", request.ReceivedAt.UtcTicks);
                insert.Parameters.AddWithValue("version", request.Version);
                insert.Parameters.AddWithValue("payload", Privacy.Enforcement.Relational.StoreJson.Serialize(request));
                await insert.ExecuteNonQueryAsync();
            }
        }

        var store = instance.GetRequiredService<ISubjectRightsRequestStore>();

        (await store.GetBySubjectAsync(erased, CancellationToken.None).CollectAsync()).Select(r => r.Id).Should().Equal(access.Id, erase.Id, open.Id);
        var sealedErase = (await store.FindAsync(erase.Id, CancellationToken.None))!;
        sealedErase.Should().BeEquivalentTo(erase with { Subject = default }, o => o.Excluding(r => r.SubjectHash));
        sealedErase.SubjectHash.Should().StartWith("hmac-sha256:");
        (await store.FindAsync(access.Id, CancellationToken.None))!.SubjectHash.Should().Be(sealedErase.SubjectHash);
        (await store.FindAsync(open.Id, CancellationToken.None))!.Subject.Should().Be(erased);
        (await store.FindAsync(others.Id, CancellationToken.None))!.Subject.Should().Be(other);
        (await ScalarAsync($"SELECT MAX(version) FROM {prefix}pe_schema_migrations")).Should().Be(PostgreSqlMigrations.For(string.Empty)[^1].Version);
        (await ScalarAsync($"SELECT COUNT(*) FROM {prefix}pe_subject_rights_requests WHERE subject_id = '{erased.Value}' OR payload LIKE '%{erased.Value}%'"))
            .Should().Be(1L, "only the open rectification still names the subject");
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
