using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.DataMap;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.DataMapping;

public sealed class DataMapBuilderTests
{
    private static readonly DateTimeOffset Start = new(2025, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private static PublishedPolicy Policy() => PublishedPolicy.Create(StandardPolicy.CreateBuilder()
        .AddRecipient("courier", RecipientKind.ServiceProvider, "Courier")
        .AddRecipient("acme", RecipientKind.Partner, "Acme")
        .Build());

    [Fact]
    public void A_classified_source_shows_the_field_that_holds_each_category_and_whether_it_is_encrypted()
    {
        var source = new ClassifiedSource("crm",
        [
            new ClassifiedField("Customer", "Phone", new DataCategory(StandardDataCategories.Phone), Encrypted: true),
            new ClassifiedField("Customer", "FullName", new DataCategory(StandardDataCategories.Name), Encrypted: false),
        ]);

        var map = DataMapBuilder.Build(Policy(), [source], []);

        var service = map.Purposes.Single(p => p.Id == StandardPurposes.ServiceProvision);
        service.Categories.Single(c => c.Id == StandardDataCategories.Phone).HeldIn.Should().Equal(new DataMapLocation("crm", "Customer", "Phone", true));
        service.Categories.Single(c => c.Id == StandardDataCategories.Name).HeldIn.Should().Equal(new DataMapLocation("crm", "Customer", "FullName", false));
        map.Sources.Single().Fields.Should().HaveCount(2);
    }

    [Fact]
    public void Engagements_appear_under_their_provider_and_only_for_the_purposes_the_provider_serves()
    {
        var engagement = new ServiceEngagement
        {
            Id = EngagementId.New(),
            Provider = new RecipientId("courier"),
            Service = new ServiceId(StandardServices.Delivery),
            Categories = [new DataCategory(StandardDataCategories.Address)],
            StartsAt = Start,
            EndsAt = Start.AddDays(30),
            AllSubjects = true,
        };

        var map = DataMapBuilder.Build(Policy(), [], [engagement]);

        var courier = map.Purposes.Single(p => p.Id == StandardPurposes.ServiceProvision).Recipients.Single(r => r.Id == "courier");
        courier.Kind.Should().Be("service-provider");
        courier.Engagements.Single().Categories.Should().Equal(StandardDataCategories.Address);
        courier.Engagements.Single().EndsAt.Should().Be(Start.AddDays(30));
        map.Purposes.Single(p => p.Id == StandardPurposes.PartnerMarketing).Recipients.Select(r => r.Id).Should().Equal("acme");
        map.Purposes.Single(p => p.Id == StandardPurposes.PartnerMarketing).Retention.Should().Contain(r => r.Contains(ClauseIds.UsePartnerMarketing, StringComparison.Ordinal));
    }

    [Fact]
    public void The_trail_adds_the_categories_permitted_for_a_purpose_and_counts_only_permits()
    {
        AuditEvent Decision(string outcome, string category) => new()
        {
            Timestamp = Start,
            Kind = AuditEventKind.Decision,
            Action = "use",
            Purpose = StandardPurposes.OwnMarketing,
            Outcome = outcome,
            Categories = [category],
            PermittedCategories = outcome == "Permit" ? [category] : [],
        };

        var map = DataMapBuilder.Build(Policy(), [], [], [Decision("Permit", StandardDataCategories.Email), Decision("Deny", StandardDataCategories.Location)]);

        var marketing = map.Purposes.Single(p => p.Id == StandardPurposes.OwnMarketing);
        marketing.PermittedDecisions.Should().Be(1);
        marketing.Categories.Single().Id.Should().Be(StandardDataCategories.Email);
        marketing.Categories.Single().Why.Should().Equal("observed");
    }

    [Fact]
    public void Exempt_categories_are_left_out_of_purposes_and_undeclared_ones_are_named()
    {
        var source = new ClassifiedSource("moderation",
        [
            new ClassifiedField("Case", "Record", new DataCategory(StandardDataCategories.Violations), false),
            new ClassifiedField("Case", "Shoe", new DataCategory("user.x_acme.shoe_size"), false),
        ]);

        var map = DataMapBuilder.Build(Policy(), [source], []);

        map.Purposes.Should().OnlyContain(p => p.Categories.All(c => c.Id != StandardDataCategories.Violations));
        map.UndeclaredCategories.Should().Equal("user.x_acme.shoe_size");
        map.Purposes[0].Categories.Single(c => c.Id == "user.x_acme.shoe_size").Flags.Should().Equal("Undeclared");
    }

    [Fact]
    public void The_json_and_markdown_hold_the_data_uses_and_no_subject_data()
    {
        var map = DataMapBuilder.Build(Policy(), [new ClassifiedSource("crm", [new ClassifiedField("Customer", "Email", new DataCategory(StandardDataCategories.Email), false)])], []);

        using var json = JsonDocument.Parse(DataMapWriter.ToJson(map));
        json.RootElement.GetProperty("purposes")[0].GetProperty("dataUses")[0].GetString().Should().Be("essential.service");
        DataMapWriter.ToMarkdown(map).Should().Contain("`marketing.advertising.third_party`").And.Contain("crm: Customer.Email");
    }

    [Fact]
    public async Task One_call_with_the_service_provider_reads_the_policy_in_force_the_sources_and_the_engagements()
    {
        var engagements = new InMemoryEngagementStore();
        await engagements.CreateAsync(new ServiceEngagement
        {
            Id = EngagementId.New(),
            Provider = new RecipientId("courier"),
            Service = new ServiceId(StandardServices.Delivery),
            Categories = [new DataCategory(StandardDataCategories.Address)],
            StartsAt = Start,
        }, CancellationToken.None);
        var services = new ServiceCollection()
            .AddSingleton<IPolicyProvider>(new PolicyCatalog(Policy()))
            .AddSingleton<IPersonalDataSource>(new ClassifiedSource("crm", [new ClassifiedField("Customer", "Street", new DataCategory(StandardDataCategories.Address), false)]))
            .AddSingleton<IEngagementStore>(engagements)
            .BuildServiceProvider();

        var map = await DataMapBuilder.BuildAsync(services, cancellationToken: CancellationToken.None);

        map.ContentHash.Should().Be(Policy().Version.ContentHash);
        map.Sources.Select(s => s.Name).Should().Equal("crm");
        map.Purposes.Single(p => p.Id == StandardPurposes.ServiceProvision).Recipients.Single(r => r.Id == "courier").Engagements.Should().ContainSingle();
    }

    private sealed class ClassifiedSource(string name, IReadOnlyList<ClassifiedField> fields) : IClassifiedPersonalDataSource
    {
        public string Name => name;

        public DataSourceOperator Operator => DataSourceOperator.Application;

        public IReadOnlyList<DataCategory> Categories => [.. fields.Select(f => f.Category).Distinct()];

        public IReadOnlyList<ClassifiedField> Fields => fields;

        public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
