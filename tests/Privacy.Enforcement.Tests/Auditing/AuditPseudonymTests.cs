using System.Text;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Auditing;

public sealed class AuditPseudonymTests : IDisposable
{
    private readonly string _dir = AuditTestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task After_erasure_the_trail_still_verifies_and_no_longer_identifies_the_subject()
    {
        var subject = new SubjectId("alice@example.com");
        var pseudonyms = new InMemoryPseudonymStore();
        var path = Path.Combine(_dir, "trail.jsonl");
        var sink = new JsonLinesAuditSink(path);
        await using (var trail = new AuditTrailPipeline(sink, null, null, null, new AuditTrailOptions(), TimeProvider.System))
        {
            var pseudonym = await pseudonyms.GetOrCreateAsync(subject, default);
            for (var i = 0; i < 5; i++)
            {
                await trail.RecordAsync(AuditTestData.Event(i, subject: pseudonym), default);
            }

            // Before erasure the subject's ledger is found through its pseudonym.
            (await sink.QueryAsync(new AuditQuery { SubjectPseudonym = pseudonym }, default).ToListAsync()).Should().HaveCount(5);
        }

        sink.Dispose();
        (await pseudonyms.DeleteAsync(subject, default)).Should().BeTrue();

        var content = await File.ReadAllTextAsync(path, Encoding.UTF8);
        content.Should().NotContain("alice").And.NotContain(subject.Value);
        (await pseudonyms.FindAsync(subject, default)).Should().BeNull("nothing maps the subject to its events any more");
        var fresh = await pseudonyms.GetOrCreateAsync(subject, default);
        content.Should().NotContain(fresh, "a returning subject gets a new, unlinkable pseudonym");
        await using var stream = File.OpenRead(path);
        (await AuditTrailVerifier.VerifyJsonLinesAsync(stream, null, null, default)).IsValid.Should().BeTrue();
    }
}
