using Microsoft.AspNetCore.Mvc.Filters;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// For MVC actions and Razor Pages: the privacy requirement of the action or page, decided before it runs (a Deny is a
/// 403 problem details response), the same as <c>.RequirePrivacy(...)</c> on a minimal API endpoint.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequirePrivacyAttribute : Attribute, IFilterFactory, IOrderedFilter
{
    /// <summary>Requires permission to collect or use the categories for the purpose.</summary>
    /// <param name="act">The act.</param>
    /// <param name="purpose">The purpose id.</param>
    /// <param name="categories">The category ids.</param>
    public RequirePrivacyAttribute(ProcessingAct act, string purpose, params string[] categories)
    {
        Requirement = new PrivacyRequirement(act, new PurposeId(purpose), PrivacyRequirements.Categories(categories));
    }

    /// <summary>Requires permission to disclose the categories to the recipient for the purpose.</summary>
    /// <param name="recipient">The recipient id.</param>
    /// <param name="recipientKind">The recipient's kind.</param>
    /// <param name="purpose">The purpose id.</param>
    /// <param name="categories">The category ids.</param>
    public RequirePrivacyAttribute(string recipient, RecipientKind recipientKind, string purpose, params string[] categories)
    {
        Requirement = new PrivacyRequirement(new Recipient(recipient, recipientKind), new PurposeId(purpose), PrivacyRequirements.Categories(categories));
    }

    /// <summary>Gets the requirement.</summary>
    public PrivacyRequirement Requirement { get; private set; }

    /// <summary>
    /// Gets or sets the route value naming the subject when the action or page is about another subject than the
    /// signed-in user (<c>"id"</c> for <c>users/{id}</c>); see <see cref="PrivacyRequirement.Subject"/>. The signed-in
    /// user then acts on that subject's information (<c>use.no-free-harvesting</c>).
    /// </summary>
    public string? SubjectRouteValue
    {
        get;
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            field = value;
            Requirement = Requirement.WithSubjectFromRoute(value);
        }
    }

    /// <inheritdoc />
    public bool IsReusable => true;

    /// <inheritdoc />
    /// <remarks>Runs after authorization filters and before other action filters.</remarks>
    public int Order => int.MinValue + 100;

    /// <inheritdoc />
    public IFilterMetadata CreateInstance(IServiceProvider serviceProvider)
    {
        ArgumentNullException.ThrowIfNull(serviceProvider);
        return new PrivacyMvcFilter(Requirement, PrivacyRequirements.GetGate(serviceProvider));
    }
}
