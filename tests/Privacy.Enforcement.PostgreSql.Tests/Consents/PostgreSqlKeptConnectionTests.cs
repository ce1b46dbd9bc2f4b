using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.PostgreSql.Tests.Consents;

/// <summary>
/// The subject-state read keeps its statement prepared on connections of its own. A kept connection the server closed
/// while it sat idle (a restart, a proxy, <c>idle_session_timeout</c>) must not fail the next read: a failed read is a
/// denial, so an idle spell would otherwise deny the first decisions after it.
/// </summary>
public sealed class PostgreSqlKeptConnectionTests : IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    [Fact]
    public async Task A_read_after_the_server_closed_the_kept_connections_is_answered_on_a_new_one()
    {
        var services = await _schema.NewInstanceAsync(applicationName: _schema.Schema);
        var consents = services.GetRequiredService<IConsentStore>();
        var reader = (ISubjectStateReader)consents;
        var subject = new SubjectId("kept-connection-subject");
        await consents.AppendAsync(new ConsentFact
        {
            FactId = Guid.NewGuid(),
            ConsentId = ConsentId.New(),
            Subject = subject,
            State = ConsentState.Given,
            RecordedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Policy = StandardPolicy.Published.Version,
            Terms = new ConsentTerms { Purposes = [new PurposeId(StandardPurposes.ServiceProvision)], Categories = [new DataCategory(StandardDataCategories.Email)], Acts = [ProcessingAct.Collect] },
        }, CancellationToken.None);

        // Reads side by side leave several prepared connections kept idle.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () => await reader.ReadSubjectAsync(subject, CancellationToken.None))));

        // The server ends the instance's sessions (other tests share the database), as a restart or an idle timeout would.
        await using (var admin = new NpgsqlConnection(_schema.ConnectionString))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name", admin);
            terminate.Parameters.AddWithValue("name", _schema.Schema);
            ((long)(await terminate.ExecuteScalarAsync())!).Should().BeGreaterThan(0, "the kept connections were open");
        }

        for (var i = 0; i < 6; i++)
        {
            var records = await reader.ReadSubjectAsync(subject, CancellationToken.None);
            records.Facts.Should().ContainSingle().Which.Subject.Should().Be(subject);
        }
    }
}
