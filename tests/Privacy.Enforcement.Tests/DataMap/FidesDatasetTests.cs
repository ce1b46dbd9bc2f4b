using System.Text.Json;
using Privacy.Enforcement.DataMap;
using Privacy.Enforcement.Fides;

namespace Privacy.Enforcement.Tests.DataMapping;

public sealed class FidesDatasetTests
{
    private const string Dataset = """
        dataset:
          - fides_key: shop_db
            name: Shop database
            collections:
              - name: customers
                fields:
                  - name: email
                    data_categories: [user.contact.email]
                  - name: phone
                    data_categories:
                      - user.contact.phone_number
                  - name: address
                    fields:
                      - name: street
                        data_categories: [user.contact.address.street]
                      - name: city
                        data_categories: [user.contact.address.city]
                  - name: created_at
              - name: orders
                fields:
                  - name: items
                    data_categories: [user.behavior.purchase_history]
          - fides_key: analytics
            collections:
              - name: events
                fields:
                  - name: ip
                    data_categories: [user.device.ip_address]
        """;

    [Fact]
    public void Each_field_and_category_becomes_a_classified_field_nested_fields_named_by_their_path()
    {
        var fields = FidesDataset.ReadFields(Dataset, "shop_db");

        fields.Should().Equal(
            new ClassifiedField("customers", "email", new DataCategory("user.contact.email"), false),
            new ClassifiedField("customers", "phone", new DataCategory("user.contact.phone_number"), false),
            new ClassifiedField("customers", "address.street", new DataCategory("user.contact.address.street"), false),
            new ClassifiedField("customers", "address.city", new DataCategory("user.contact.address.city"), false),
            new ClassifiedField("orders", "items", new DataCategory("user.behavior.purchase_history"), false));
    }

    [Fact]
    public void Without_a_dataset_key_every_dataset_is_read_and_containers_are_qualified()
    {
        var fields = FidesDataset.ReadFields(Dataset);

        fields.Select(f => f.Container).Distinct().Should().Equal("shop_db.customers", "shop_db.orders", "analytics.events");
    }

    [Theory]
    [InlineData("dataset: [ { fides_key: a, collections: [ { fields: [] } ] } ]", "$.dataset[0].collections[0].name")]
    [InlineData("dataset: [ { fides_key: a, collections: [ { name: c, fields: [ { name: f, data_categories: [\"User Contact\"] } ] } ] } ]", "$.dataset[0].collections[0].fields[0].data_categories[0]")]
    [InlineData("datasets: []", "$.dataset")]
    [InlineData("dataset: [ { name: no-key } ]", "$.dataset[0].fides_key")]
    [InlineData("dataset: [ { fides_key: a, collections: { name: c } } ]", "$.dataset[0].collections")]
    [InlineData("dataset: [ { fides_key: a", "$")]
    public void A_malformed_file_is_refused_naming_the_yaml_path(string yaml, string path)
    {
        var read = () => FidesDataset.ReadFields(yaml);

        read.Should().Throw<FidesDatasetException>().Which.Path.Should().Be(path);
    }

    [Fact]
    public void An_unknown_dataset_key_is_refused()
    {
        var read = () => FidesDataset.ReadFields(Dataset, "nope");

        read.Should().Throw<FidesDatasetException>().WithMessage("*no dataset with fides_key 'nope'*");
    }

    [Fact]
    public void A_classified_source_must_hold_every_category_its_fields_name_and_shows_them_in_the_data_map()
    {
        var source = new HeldSource("shop", [new DataCategory(StandardDataCategories.Contact), new DataCategory(StandardDataCategories.PurchaseHistory)]);
        var fields = FidesDataset.ReadFields(Dataset, "shop_db");

        var classified = FidesDataset.Classify(source, fields);
        var map = DataMapBuilder.Build(PublishedPolicy.Create(StandardPolicy.Document), [classified], []);

        map.Sources.Single().Fields.Should().HaveCount(5);
        map.Purposes[0].Categories.Single(c => c.Id == StandardDataCategories.Contact).HeldIn.Should().ContainSingle().Which.Source.Should().Be("shop");
        var notHeld = () => FidesDataset.Classify(new HeldSource("orders-only", [new DataCategory(StandardDataCategories.PurchaseHistory)]), fields);
        notHeld.Should().Throw<ArgumentException>().WithMessage("*customers.email*user.contact.email*orders-only*");
    }

    private sealed class HeldSource(string name, IReadOnlyList<DataCategory> categories) : IPersonalDataSource
    {
        public string Name => name;

        public DataSourceOperator Operator => DataSourceOperator.Application;

        public IReadOnlyList<DataCategory> Categories => categories;

        public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
