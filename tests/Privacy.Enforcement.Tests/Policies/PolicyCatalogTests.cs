namespace Privacy.Enforcement.Tests.Policies;

public class PolicyCatalogTests
{
    private static PolicyDocument Version(string version, string id = StandardPolicy.Id) =>
        PolicyBuilder.From(StandardPolicy.Document).WithId(id).WithVersion(version, StandardPolicy.PublishedAt.AddDays(1)).Build();

    [Fact]
    public void Starts_with_the_initial_version_in_force()
    {
        var catalog = new PolicyCatalog(StandardPolicy.Published);

        catalog.Current.Should().BeSameAs(StandardPolicy.Published);
        catalog.History.Should().Equal(StandardPolicy.Published);
        catalog.Find(new Version(1, 0)).Should().BeSameAs(StandardPolicy.Published);
        catalog.Find(new Version(1, 0, 0)).Should().BeSameAs(StandardPolicy.Published);
        catalog.Find(new Version(9, 9)).Should().BeNull();
    }

    [Fact]
    public void Changes_replace_a_newer_version_is_in_force_once_published()
    {
        var catalog = new PolicyCatalog(StandardPolicy.Published);
        var token = catalog.GetChangeToken();
        PolicyPublishedEventArgs? raised = null;
        catalog.Published += (_, e) => raised = e;

        var published = catalog.Publish(Version("1.1"));

        catalog.Current.Should().BeSameAs(published);
        catalog.History.Select(p => p.Version.Version.ToString()).Should().Equal("1.0", "1.1");
        catalog.Find(new Version(1, 0)).Should().BeSameAs(StandardPolicy.Published);
        token.HasChanged.Should().BeTrue();
        catalog.GetChangeToken().HasChanged.Should().BeFalse();
        raised.Should().NotBeNull();
        raised!.Previous.Should().BeSameAs(StandardPolicy.Published);
        raised.Current.Should().BeSameAs(published);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.9")]
    [InlineData("1.0.0")]
    public void Changes_replace_an_older_or_equal_version_is_rejected(string version)
    {
        var catalog = new PolicyCatalog(StandardPolicy.Published);
        var token = catalog.GetChangeToken();

        var act = () => catalog.Publish(Version(version));

        act.Should().Throw<PolicyValidationException>().Which.Errors.Should().ContainSingle()
            .Which.Should().Match<PolicyValidationError>(e => e.Path == "$.version"
                && e.Message.StartsWith($"version {new Version(version)} is not newer than the version in force 1.0", StringComparison.Ordinal)
                && e.Message.EndsWith("(changes.replace)", StringComparison.Ordinal));
        catalog.Current.Should().BeSameAs(StandardPolicy.Published);
        catalog.History.Should().ContainSingle();
        token.HasChanged.Should().BeFalse();
    }

    [Fact]
    public void A_version_of_another_policy_is_rejected()
    {
        var catalog = new PolicyCatalog(StandardPolicy.Published);

        var act = () => catalog.Publish(Version("2.0", id: "other"));

        act.Should().Throw<PolicyValidationException>().Which.Errors.Should().ContainSingle().Which.Path.Should().Be("$.id");
    }

    [Fact]
    public void An_invalid_document_is_rejected_and_nothing_is_published()
    {
        var catalog = new PolicyCatalog(StandardPolicy.Published);
        var invalid = Version("2.0") with { Rules = [] };

        var act = () => catalog.Publish(invalid);

        act.Should().Throw<PolicyValidationException>().Which.Errors.Should().HaveCount(StandardPolicy.Document.Rules.Count, "each clause only a rule enforced is reported");
        catalog.History.Should().ContainSingle();
    }

    [Fact]
    public async Task Concurrent_publishes_keep_versions_strictly_increasing()
    {
        var catalog = new PolicyCatalog(StandardPolicy.Published);
        var documents = Enumerable.Range(1, 8).Select(i => Version($"1.{i}")).ToArray();

        await Task.WhenAll(documents.Select(d => Task.Run(() =>
        {
            try
            {
                catalog.Publish(d);
            }
            catch (PolicyValidationException)
            {
                // A lower version that lost the race is rejected, as it must be.
            }
        })));

        var versions = catalog.History.Select(p => p.Version.Version).ToList();
        versions.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        catalog.Current.Version.Version.Should().Be(new Version(1, 8));
    }
}
