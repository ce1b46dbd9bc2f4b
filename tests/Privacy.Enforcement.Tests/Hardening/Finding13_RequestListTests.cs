using System.Collections;
using Privacy.Enforcement.Tests.Decisions;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Hardening;

/// <summary>Finding 13: the trail recorded another request than the one decided. Request lists are copied once, at construction.</summary>
public sealed class Finding13_RequestListTests
{
    private const string Service = StandardPurposes.ServiceProvision;

    /// <summary>A list whose indexer and enumerator disagree.</summary>
    private sealed class TwoFacedList(DataCategory indexed, DataCategory enumerated) : IReadOnlyList<DataCategory>
    {
        public DataCategory this[int index] => index == 0 ? indexed : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => 1;

        public IEnumerator<DataCategory> GetEnumerator()
        {
            yield return enumerated;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public async Task Finding13_the_trail_records_the_categories_that_were_decided()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        var request = new UseRequest(Alice, new TwoFacedList(new DataCategory(Behavior), new DataCategory(Email)), new PurposeId(Service));

        var decision = await fixture.DecideAsync(request);

        var decided = decision.PermittedCategories.Concat(decision.WithheldCategories).Select(c => c.Value).ToArray();
        var recorded = fixture.Audit.Events.Single(e => e.Kind == AuditEventKind.Decision);
        recorded.Categories.Should().Equal(decided);
        request.Categories.Select(c => c.Value).Should().Equal(decided);
        request.Categories[0].Value.Should().Be(request.Categories.Single().Value);
    }

    [Fact]
    public void Finding13_a_list_changed_after_the_request_was_made_does_not_change_the_request()
    {
        var categories = new List<DataCategory> { new(Behavior) };
        var legal = new List<DataCategory> { new(Name) };
        var counterparties = new List<string> { "alice", Seller };
        var request = new UseRequest(Alice, categories, new PurposeId(Service));
        var evidence = new LegalRequirementEvidence(InstitutionKind.Judicial, "court", "law", "doc", legal);
        var transaction = new TransactionEvidence("order", counterparties, Seller, Fulfilment.Full, new TransactionApproval("operator", legal));
        var otherLegal = new OtherLegalEvidence("provision", legal);

        categories[0] = new DataCategory(Email);
        legal[0] = new DataCategory(Phone);
        counterparties[1] = "mallory";

        request.Categories.Should().Equal(new DataCategory(Behavior));
        evidence.RequestedCategories.Should().Equal(new DataCategory(Name));
        transaction.Counterparties.Should().Equal("alice", Seller);
        transaction.Approval!.AdditionalCategories.Should().Equal(new DataCategory(Name));
        otherLegal.AllowedCategories.Should().Equal(new DataCategory(Name));
        request.Categories.Should().NotBeAssignableTo<DataCategory[]>("a caller must not be able to cast the copy back and change it");
    }
}
