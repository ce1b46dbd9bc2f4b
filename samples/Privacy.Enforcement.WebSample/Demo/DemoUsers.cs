using System.Security.Claims;

namespace Privacy.Enforcement.WebSample.Demo;

/// <summary>One of the people a visitor can sign in as; the sample has no passwords, only this picker.</summary>
/// <param name="Id">The subject id the library knows the person by (the <c>sub</c> claim).</param>
/// <param name="DisplayName">The name shown on the pages.</param>
/// <param name="Email">The e-mail address the profile starts with.</param>
/// <param name="Description">What the demo shows with this person.</param>
/// <param name="IsOperator">Whether the person runs the service (operator page) rather than uses it.</param>
public sealed record DemoUser(string Id, string DisplayName, string Email, string Description, bool IsOperator = false)
{
    /// <summary>The role that opens the operator page.</summary>
    public const string OperatorRole = "operator";

    /// <summary>The subject the privacy services work on.</summary>
    public SubjectId Subject => new(Id);
}

/// <summary>The demo users and the claims a sign-in gives them.</summary>
public static class DemoUsers
{
    /// <summary>A customer with an order under a tax legal hold: her erasure keeps the order history and says why.</summary>
    public static readonly DemoUser Alice = new("alice", "Alice Archer", "alice@example.test", "customer; her order history is under a tax legal hold");

    /// <summary>A customer with nothing special: his erasure removes everything.</summary>
    public static readonly DemoUser Bob = new("bob", "Bob Baker", "bob@example.test", "customer");

    /// <summary>A user caught harvesting others' data: her violation record outlives her account.</summary>
    public static readonly DemoUser Mallory = new("mallory", "Mallory Mason", "mallory@example.test", "customer with a confirmed harvesting violation");

    /// <summary>A customer to try with a browser that sends Global Privacy Control: the signal objects to partner marketing.</summary>
    public static readonly DemoUser Grace = new("grace", "Grace Green", "grace@example.test", "customer; try her with a browser that sends Global Privacy Control");

    /// <summary>The operator who reads engagements, violations and the audit trail.</summary>
    public static readonly DemoUser Olivia = new("olivia", "Olivia Ortiz", "olivia@example.test", "operator: engagements, violations, audit trail", IsOperator: true);

    /// <summary>Everyone on the sign-in page, in its order.</summary>
    public static IReadOnlyList<DemoUser> All { get; } = [Alice, Bob, Mallory, Grace, Olivia];

    /// <summary>The customers: the people whose data the service holds.</summary>
    public static IReadOnlyList<DemoUser> Customers { get; } = [.. All.Where(u => !u.IsOperator)];

    /// <summary>Finds a demo user by id; null for anyone else.</summary>
    /// <param name="id">The id from the form or the cookie.</param>
    /// <returns>The user, or null.</returns>
    public static DemoUser? Find(string? id) => All.FirstOrDefault(u => string.Equals(u.Id, id, StringComparison.Ordinal));

    /// <summary>
    /// The identity a sign-in gives: the subject as <c>sub</c> and name identifier, the display name, the operator role,
    /// and <c>auth_time</c>, which tells the privacy endpoints how recent the authentication is.
    /// </summary>
    /// <param name="user">The user signing in.</param>
    /// <param name="now">The instant of the sign-in.</param>
    /// <param name="scheme">The authentication scheme.</param>
    /// <returns>The principal.</returns>
    public static ClaimsPrincipal CreatePrincipal(DemoUser user, DateTimeOffset now, string scheme)
    {
        ArgumentNullException.ThrowIfNull(user);
        List<Claim> claims =
        [
            new("sub", user.Id),
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.DisplayName),
            new("auth_time", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
        ];
        if (user.IsOperator)
        {
            claims.Add(new Claim(ClaimTypes.Role, DemoUser.OperatorRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
