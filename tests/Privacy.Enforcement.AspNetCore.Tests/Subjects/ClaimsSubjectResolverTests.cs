using System.Security.Claims;

namespace Privacy.Enforcement.AspNetCore.Tests.Subjects;

/// <summary>The default subject resolution: <c>sub</c>, then NameIdentifier, of an authenticated user only.</summary>
public sealed class ClaimsSubjectResolverTests
{
    [Fact]
    public void The_sub_claim_comes_before_the_name_identifier_and_claim_types_compare_ignoring_case()
    {
        Resolve(new Claim(ClaimTypes.NameIdentifier, "name-id"), new Claim("sub", "subject-1")).Should().Be(new SubjectId("subject-1"));
        Resolve(new Claim(ClaimTypes.NameIdentifier, "name-id")).Should().Be(new SubjectId("name-id"));
        Resolve(new Claim("SUB", "subject-2")).Should().Be(new SubjectId("subject-2"));
    }

    [Fact]
    public void An_anonymous_user_a_user_without_either_claim_and_an_identifier_the_library_refuses_have_no_subject()
    {
        ClaimsSubjectResolver.Resolve(null).Should().BeNull();
        ClaimsSubjectResolver.Resolve(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "subject-1")]))).Should().BeNull("the identity is not authenticated");
        Resolve(new Claim(ClaimTypes.Email, "someone@mail.example")).Should().BeNull();
        Resolve(new Claim("sub", "")).Should().BeNull();
        Resolve(new Claim("sub", "bad\u0000id")).Should().BeNull();
    }

    [Fact]
    public void A_principal_with_several_identities_or_of_a_derived_type_is_read_the_same_way()
    {
        var several = new ClaimsPrincipal([
            new ClaimsIdentity([new Claim(ClaimTypes.Name, "display")], "cookie"),
            new ClaimsIdentity([new Claim("sub", "subject-3")], "bearer"),
        ]);
        var derived = new DerivedPrincipal(new ClaimsIdentity([new Claim("sub", "subject-4")], "test"));

        ClaimsSubjectResolver.Resolve(several).Should().Be(new SubjectId("subject-3"));
        ClaimsSubjectResolver.Resolve(derived).Should().Be(new SubjectId("subject-4"));
    }

    [Fact]
    public void Resolving_the_subject_of_a_usual_sign_in_allocates_nothing()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "display"), new Claim(ClaimTypes.NameIdentifier, "subject-5")], "cookie"));
        ClaimsSubjectResolver.Resolve(user).Should().Be(new SubjectId("subject-5"));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ClaimsSubjectResolver.Resolve(user);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    private static SubjectId? Resolve(params Claim[] claims) => ClaimsSubjectResolver.Resolve(new ClaimsPrincipal(new ClaimsIdentity(claims, "test")));

    private sealed class DerivedPrincipal(ClaimsIdentity identity) : ClaimsPrincipal(identity);
}
