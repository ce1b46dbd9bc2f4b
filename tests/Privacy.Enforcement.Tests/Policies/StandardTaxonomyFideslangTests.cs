namespace Privacy.Enforcement.Tests.Policies;

/// <summary>The standard taxonomy against the checked-in list of fideslang keys (src/Privacy.Enforcement/Taxonomy/fideslang-data-categories.tsv).</summary>
public sealed class StandardTaxonomyFideslangTests
{
    private static readonly IReadOnlyList<(string Key, string? Parent, bool Released, string? ReplacedBy)> Fideslang = Read();

    private static Dictionary<string, DataCategoryDefinition> Standard =>
        StandardPolicy.Document.Categories.ToDictionary(c => c.Id, StringComparer.Ordinal);

    [Fact]
    public void The_list_holds_the_fideslang_user_keys_of_release_3_1()
    {
        Fideslang.Count(k => k.Released).Should().Be(82);
        Fideslang.Should().Contain(k => k.Key == "user.contact.phone_number" && k.Released);
        Fideslang.Should().OnlyContain(k => k.Key == "user" || k.Key.StartsWith("user.", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_released_fideslang_key_is_a_standard_category_with_the_same_parent()
    {
        var standard = Standard;
        foreach (var (key, parent, _, _) in Fideslang.Where(k => k.Released))
        {
            standard.Should().ContainKey(key, "fideslang key {0} must be known", key);
            new DataCategory(key).Parent.Should().Be(parent is null ? default : new DataCategory(parent), "the parent of {0}", key);
            standard[key].Parent.Should().BeNull("the dotted prefix is the parent, as in fideslang");
        }
    }

    [Fact]
    public void Every_standard_category_is_a_fideslang_key_or_a_declared_extension()
    {
        var released = Fideslang.Where(k => k.Released).Select(k => k.Key).ToHashSet(StringComparer.Ordinal);

        StandardPolicy.Document.Categories.Select(c => c.Id)
            .Where(id => !released.Contains(id))
            .Should().OnlyContain(id => new DataCategory(id).IsWithin(new DataCategory(StandardDataCategories.Extensions)))
            .And.Contain(StandardDataCategories.Violations);
    }

    [Fact]
    public void No_extension_collides_with_a_fideslang_key_of_any_version()
    {
        Fideslang.Should().NotContain(k => k.Key.Split('.').Any(part => part.StartsWith("x_", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(StandardDataCategories.Phone, "user.contact.phone_number")]
    [InlineData(StandardDataCategories.SearchKeywords, "user.behavior.search_history")]
    [InlineData(StandardDataCategories.Biometric, "user.biometric")]
    [InlineData(StandardDataCategories.Health, "user.health_and_medical")]
    [InlineData(StandardDataCategories.Violations, "user.x_privacy.violations")]
    public void The_renamed_constants_carry_the_fideslang_keys(string constant, string key) => constant.Should().Be(key);

    [Theory]
    [InlineData("user.demographic.religious_belief", DataCategoryFlags.Sensitive)]
    [InlineData("user.financial.credit_card", DataCategoryFlags.Sensitive | DataCategoryFlags.Identifying)]
    [InlineData("user.contact.address.city", DataCategoryFlags.ContactCapable)]
    [InlineData("user.name.first", DataCategoryFlags.Identifying)]
    [InlineData("user.biometric.fingerprint", DataCategoryFlags.Sensitive | DataCategoryFlags.Identifying)]
    [InlineData("user.authorization.credentials", DataCategoryFlags.Credential)]
    public void A_fideslang_key_inherits_the_flags_the_rules_read(string key, DataCategoryFlags flags)
    {
        var compiled = PolicyCompiler.Compile(StandardPolicy.Published);

        compiled.CategoryIndex.Should().ContainKey(key);
        compiled.CategoryFlags[compiled.CategoryIndex[key]].Should().HaveFlag(flags);
    }

    [Fact]
    public void Every_former_id_names_standard_categories_and_none_is_still_declared()
    {
        var standard = Standard;
        foreach (var (former, current) in StandardDataCategories.FormerIds)
        {
            standard.Should().NotContainKey(former);
            current.Should().OnlyContain(id => standard.ContainsKey(id));
        }
    }

    [Fact]
    public void Purposes_carry_their_fideslang_data_uses()
    {
        var uses = StandardPolicy.Document.Purposes.ToDictionary(p => p.Id, p => p.DataUses);

        uses[StandardPurposes.ServiceProvision].Should().Equal("essential.service");
        uses[StandardPurposes.OwnMarketing].Should().Equal("marketing.communications", "marketing.advertising.first_party");
        uses[StandardPurposes.PartnerMarketing].Should().Equal("marketing.advertising.third_party", "third_party_sharing");
        uses[StandardPurposes.LegalCompliance].Should().Contain("essential.legal_obligation");
        uses[StandardPurposes.Security].Should().Contain("essential.service.security");
    }

    private static List<(string, string?, bool, string?)> Read() =>
        [.. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Policies", "fideslang-data-categories.tsv"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => (f[0], f[1] == "-" ? null : f[1], f[2] == "-", f[3] == "-" ? null : f[3]))];
}
