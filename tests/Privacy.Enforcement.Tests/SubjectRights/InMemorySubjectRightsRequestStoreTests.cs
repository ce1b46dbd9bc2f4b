using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.SubjectRights;

public sealed class InMemorySubjectRightsRequestStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly InMemorySubjectRightsRequestStore _store = new();

    [Fact]
    public async Task store_subject_delete_an_identical_open_request_returns_the_existing_one_and_a_closed_one_does_not_block()
    {
        var first = await _store.AddOrGetOpenAsync(New("alice", SubjectRightsRequestKind.Erase), default);

        (await _store.AddOrGetOpenAsync(New("alice", SubjectRightsRequestKind.Erase), default)).Id.Should().Be(first.Id);
        (await _store.AddOrGetOpenAsync(New("alice", SubjectRightsRequestKind.Access), default)).Id.Should().NotBe(first.Id);
        (await _store.AddOrGetOpenAsync(New("alice", SubjectRightsRequestKind.Erase, "other-scope"), default)).Id.Should().NotBe(first.Id);

        var completed = first with { Status = SubjectRightsRequestStatus.Completed, Version = 2 };
        (await _store.TryUpdateAsync(first, completed, default)).Should().BeTrue();
        (await _store.AddOrGetOpenAsync(New("alice", SubjectRightsRequestKind.Erase), default)).Id.Should().NotBe(first.Id);
    }

    [Fact]
    public async Task store_subject_delete_updates_are_optimistic_by_version()
    {
        var request = await _store.AddOrGetOpenAsync(New("alice", SubjectRightsRequestKind.Erase), default);
        var next = request with { Status = SubjectRightsRequestStatus.InProgress, Version = 2 };

        (await _store.TryUpdateAsync(request, next, default)).Should().BeTrue();
        (await _store.TryUpdateAsync(request, next, default)).Should().BeFalse("the stored version moved on");
        var skip = () => _store.TryUpdateAsync(next, next with { Version = 5 }, default).AsTask();
        await skip.Should().ThrowAsync<ArgumentException>();

        var open = new List<SubjectRightsRequest>();
        await foreach (var r in _store.GetOpenAsync(default))
        {
            open.Add(r);
        }

        open.Should().ContainSingle().Which.Version.Should().Be(2);
    }

    private static SubjectRightsRequest New(string subject, SubjectRightsRequestKind kind, string scope = "") => new()
    {
        Id = SubjectRightsRequestId.New(),
        Subject = new SubjectId(subject),
        Kind = kind,
        Scope = scope,
        Status = SubjectRightsRequestStatus.Received,
        ReceivedAt = Now,
        Deadline = Now.AddDays(15),
    };
}
