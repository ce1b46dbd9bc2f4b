using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.Tests.SubjectRights;

/// <summary>
/// Finding 8 (store.subject-delete): once an erasure completes nothing stored links the subject id to its old
/// pseudonym: its requests keep a keyed hash of the id instead of the id, a later decision gets a new random pseudonym,
/// and the subject presenting its id is still matched to the erasure evidence.
/// </summary>
public sealed class Finding08_ErasedSubjectIsNotLinkableTests : IDisposable
{
    private static readonly SubjectId Carol = new("carol-7f3a");

    private readonly SubjectRightsFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Finding08_after_erasure_no_in_memory_record_links_the_subject_id_to_its_old_pseudonym()
    {
        _f.Crm.Put(Carol, "user.contact.phone_number", "+44 7700 900123");
        await _f.Get<IConsentStore>().AppendAsync(StoreTestData.Grant(Carol, ConsentId.New()), default);
        (await _f.Rights.AccessAsync(Carol, default)).Request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        var pseudonyms = _f.Get<IPseudonymStore>();
        var old = (await pseudonyms.FindAsync(Carol, default))!;

        var erasure = await _f.Rights.EraseAsync(Carol, default);

        erasure.Status.Should().Be(SubjectRightsRequestStatus.Completed);

        // A later decision about the same id gets a new random pseudonym, never the old one.
        var later = await pseudonyms.GetOrCreateAsync(Carol, default);
        later.Should().NotBe(old);

        var records = new List<(string Where, string Text)>();
        records.AddRange(_f.Audit.Events.Select(e => ($"audit event {e.Sequence} ({e.Action})", SubjectLinkScan.Text(e))));
        foreach (var store in new object[]
        {
            _f.Get<IConsentStore>(), _f.Get<IAcceptanceStore>(), _f.Get<IPseudonymStore>(), _f.Get<ISubjectRightsRequestStore>(),
            _f.Get<ILegalHoldStore>(), _f.Get<ISubjectKeyStore>(), _f.Get<IEngagementStore>(), _f.Get<IViolationStore>(),
        })
        {
            records.AddRange(SubjectLinkScan.InMemoryRecords(store));
        }

        records.Should().Contain(r => r.Text.Contains(old, StringComparison.Ordinal), "the trail keeps the erasure's proof under the old pseudonym");
        SubjectLinkScan.Links(records, Carol.Value, old).Should().BeEmpty();

        // The subject, presenting its id, is matched to what was done.
        var mine = await _f.Get<ISubjectRightsRequestStore>().GetBySubjectAsync(Carol, default).CollectAsync();
        mine.Select(r => r.Id).Should().Contain(erasure.Id);
        var stored = mine.Single(r => r.Id == erasure.Id);
        stored.Subject.IsEmpty.Should().BeTrue("the completed erasure no longer holds the id");
        stored.SubjectHash.Should().NotBeNullOrEmpty().And.NotContain(Carol.Value);
        stored.Steps.Should().Contain(s => s.Source == SubjectRightsStepNames.Pseudonym && s.Status == SubjectRightsStepStatus.Succeeded);
        (await _f.Get<ISubjectRightsRequestStore>().GetBySubjectAsync(new SubjectId("someone-else"), default).CollectAsync()).Should().BeEmpty();
    }
}
