using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// Identity verification for export and erasure: the sign-in must be recent. Its time is the <c>auth_time</c> claim
/// (OpenID Connect) or, failing that, the authentication ticket's issue time; an older or unknown one is answered with
/// a challenge asking the user to sign in again (<c>prompt=login</c>, <c>max_age</c> for an OpenID Connect handler).
/// </summary>
internal static class RecentAuthentication
{
    public const string AuthTimeClaim = "auth_time";

    public static async ValueTask<IResult?> RequireAsync(HttpContext context, PrivacyWebOptions options, TimeProvider time) =>
        await IsRecentAsync(context, options, time).ConfigureAwait(false) ? null : Challenge(context, options);

    /// <summary>Whether the request's sign-in is within <see cref="PrivacyWebOptions.RecentAuthenticationWindow"/> of now (an unknown or future one is not).</summary>
    public static async ValueTask<bool> IsRecentAsync(HttpContext context, PrivacyWebOptions options, TimeProvider time)
    {
        var signedInAt = FromClaim(context);
        if (signedInAt is null)
        {
            var result = await context.AuthenticateAsync(options.ReauthenticationScheme).ConfigureAwait(false);
            signedInAt = result.Succeeded ? result.Properties?.IssuedUtc : null;
        }

        var now = time.GetUtcNow();
        return signedInAt is { } at && at <= now + TimeSpan.FromMinutes(1) && now - at <= options.RecentAuthenticationWindow;
    }

    /// <summary>The challenge asking the user to sign in again, back to this request's path.</summary>
    public static IResult Challenge(HttpContext context, PrivacyWebOptions options)
    {
        var properties = new AuthenticationProperties { RedirectUri = context.Request.PathBase + context.Request.Path };
        properties.SetParameter("prompt", "login");
        properties.SetParameter("max_age", options.RecentAuthenticationWindow);
        return options.ReauthenticationScheme is { } scheme ? TypedResults.Challenge(properties, [scheme]) : TypedResults.Challenge(properties);
    }

    private static DateTimeOffset? FromClaim(HttpContext context)
    {
        var value = context.User.FindFirst(AuthTimeClaim)?.Value;
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253_402_300_800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }
}
