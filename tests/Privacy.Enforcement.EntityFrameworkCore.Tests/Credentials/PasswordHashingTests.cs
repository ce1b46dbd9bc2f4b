namespace Privacy.Enforcement.EntityFrameworkCore.Tests.Credentials;

public sealed class PasswordHashingTests
{
    // Computed outside the library (Python hashlib.pbkdf2_hmac, salt 00..0f): pins the format and the derivation.
    private const string GoldenHash = "$pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY";

    [Fact]
    public void A_hash_made_elsewhere_in_the_PHC_format_verifies_and_is_approved()
    {
        PasswordHashing.Verify("correct horse battery staple", GoldenHash).Should().BeTrue();
        PasswordHashing.Verify("correct horse battery stapler", GoldenHash).Should().BeFalse();
        PasswordHashing.IsApproved(GoldenHash).Should().BeTrue();
    }

    [Fact]
    public void Each_hash_has_its_own_salt()
    {
        PasswordHashing.Hash("same").Should().NotBe(PasswordHashing.Hash("same"));
    }

    [Theory]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$AAECAwQFBgcICQoLDA0ODw$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY", true)]
    [InlineData("$argon2id$v=19$m=47104,t=1,p=1$AAECAwQFBgcICQoLDA0ODw$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY", true)]
    [InlineData("$argon2id$v=19$m=7168,t=5,p=1$AAECAwQFBgcICQoLDA0ODw$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY", true)]
    [InlineData("$argon2id$v=19$m=19456,t=1,p=1$AAECAwQFBgcICQoLDA0ODw$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY", false)]
    [InlineData("$argon2id$v=19$m=4096,t=9,p=1$AAECAwQFBgcICQoLDA0ODw$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY", false)]
    [InlineData("$argon2i$v=19$m=65536,t=3,p=1$AAECAwQFBgcICQoLDA0ODw$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY", false)]
    [InlineData("$pbkdf2-sha256$i=599999$AAECAwQFBgcICQoLDA0ODw$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY", false)]
    [InlineData("$pbkdf2-sha256$i=600000$AAECAwQFBgc$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY", false)]
    [InlineData("$pbkdf2-sha1$i=1000000$AAECAwQFBgcICQoLDA0ODw$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY", false)]
    [InlineData("hunter2", false)]
    [InlineData("", false)]
    public void Only_approved_schemes_at_or_above_the_guidance_are_approved(string value, bool approved)
    {
        PasswordHashing.IsApproved(value).Should().Be(approved);
        if (!approved)
        {
            PasswordHashing.Weakness(value).Should().NotBeNullOrEmpty().And.NotContain("hunter2");
        }
    }

    [Fact]
    public void Fewer_iterations_than_the_guidance_cannot_be_asked_for()
    {
        var weak = () => PasswordHashing.Hash("x", 100_000);

        weak.Should().Throw<ArgumentOutOfRangeException>();
    }
}
