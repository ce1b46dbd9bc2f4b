namespace Privacy.Enforcement.Tests.Primitives;

public class IdentifierTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\u0000b")]
    public void Rejects_malformed_ids_naming_the_type(string value)
    {
        var act = () => new SubjectId(value);
        act.Should().Throw<ArgumentException>().WithMessage("SubjectId *").And.ParamName.Should().Be("value");
    }

    [Fact]
    public void Rejects_lone_surrogates()
    {
        var act = () => new SubjectId("a" + '\ud800');
        act.Should().Throw<ArgumentException>().WithMessage("SubjectId must not contain a lone surrogate*");
    }

    [Fact]
    public void Rejects_over_long_ids()
    {
        var act = () => new RecipientId(new string('x', Identifier.MaxLength + 1));
        act.Should().Throw<ArgumentException>().WithMessage("RecipientId must be at most 256 characters*");
    }

    [Theory]
    [InlineData("user-1")]
    [InlineData("'; DROP TABLE consents; --")]
    [InlineData("用户😀")]
    public void Keeps_valid_ids_exactly(string value)
    {
        new SubjectId(value).Value.Should().Be(value);
        new SubjectId(value).Should().Be(new SubjectId(value));
    }

    [Fact]
    public void Category_hierarchy_is_read_from_the_dotted_path()
    {
        var phone = new DataCategory("user.contact.phone_number");
        phone.Parent.Should().Be(new DataCategory("user.contact"));
        phone.IsWithin(new DataCategory("user.contact")).Should().BeTrue();
        phone.IsWithin(new DataCategory("user.cont")).Should().BeFalse();
        new DataCategory("user").Parent.IsEmpty.Should().BeTrue();
    }
}
