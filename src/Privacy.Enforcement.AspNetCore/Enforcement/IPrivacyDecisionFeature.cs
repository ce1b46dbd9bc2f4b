using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// The decision made for a request before its handler ran, on <see cref="HttpContext.Features"/>: a handler whose
/// decision withheld some categories returns only <see cref="PrivacyDecision.PermittedCategories"/> and carries out
/// <see cref="PrivacyDecision.Obligations"/>. Read it with <see cref="PrivacyHttpContextExtensions.GetPrivacyDecision"/>.
/// </summary>
public interface IPrivacyDecisionFeature
{
    /// <summary>Gets the requirement the endpoint declared.</summary>
    PrivacyRequirement Requirement { get; }

    /// <summary>Gets the subject the request was decided for; <see langword="null"/> when anonymous.</summary>
    SubjectId? Subject { get; }

    /// <summary>Gets the decision.</summary>
    PrivacyDecision Decision { get; }

    /// <summary>Gets the obligations the host must carry out (those of <see cref="Decision"/>).</summary>
    ObligationSet Obligations { get; }

    /// <summary>Gets whether the request carried the Global Privacy Control signal (<c>Sec-GPC: 1</c>).</summary>
    bool GlobalPrivacyControl { get; }
}

/// <summary>Reads the privacy decision of a request.</summary>
public static class PrivacyHttpContextExtensions
{
    /// <summary>Gets the decision made for <paramref name="context"/>, or <see langword="null"/> if none was made.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The feature, or <see langword="null"/>.</returns>
    public static IPrivacyDecisionFeature? GetPrivacyDecision(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IPrivacyDecisionFeature>();
    }

    /// <summary>
    /// Gets whether the request's sign-in is recent enough for export or erasure: its <c>auth_time</c> claim (or, failing
    /// that, the authentication ticket's issue time) lies within <see cref="PrivacyWebOptions.RecentAuthenticationWindow"/>
    /// of now, by the registered <see cref="TimeProvider"/>. An unknown, unreadable or future sign-in time is not recent.
    /// A host page that erases or exports checks this before it acts, as the package's endpoints do.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <returns><see langword="true"/> when the sign-in is recent.</returns>
    public static ValueTask<bool> HasRecentAuthenticationAsync(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        return RecentAuthentication.IsRecentAsync(
            context,
            services.GetRequiredService<IOptions<PrivacyWebOptions>>().Value,
            services.GetService<TimeProvider>() ?? TimeProvider.System);
    }
}

internal sealed class PrivacyDecisionFeature(PrivacyRequirement requirement, SubjectId? subject, PrivacyDecision decision, bool globalPrivacyControl)
    : IPrivacyDecisionFeature
{
    public PrivacyRequirement Requirement { get; } = requirement;

    public SubjectId? Subject { get; } = subject;

    public PrivacyDecision Decision { get; } = decision;

    public ObligationSet Obligations => Decision.Obligations;

    public bool GlobalPrivacyControl { get; } = globalPrivacyControl;
}
