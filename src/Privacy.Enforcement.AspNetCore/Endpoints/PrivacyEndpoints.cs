using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// The privacy endpoints of the signed-in subject (<c>store.subject-access</c>, <c>store.subject-edit</c>,
/// <c>store.subject-delete</c>, consents, objections, the policy and its acceptance). Each answers JSON and accepts a
/// JSON body or an HTML form post; a form post must carry a valid antiforgery token.
/// </summary>
internal static class PrivacyEndpoints
{
    public const string RateLimiterPolicy = PrivacyRateLimiting.SubjectRightsPolicy;
    private const string FormContent = "application/x-www-form-urlencoded";
    private const string MultipartContent = "multipart/form-data";

    public static void AddServices(IServiceCollection services)
    {
        services.AddAntiforgery();
        services.AddRateLimiter(static _ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<RateLimiterOptions>, SubjectRightsRateLimiterSetup>());
        services.TryAddSingleton<ConsentReceiptFormats>();
    }

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix).WithTags("Privacy").RequireAuthorization();

        group.MapGet("/policy", GetPolicyAsync).WithName("GetPrivacyPolicy")
             .WithSummary("The policy in force and whether the signed-in subject accepted it.")
             .Produces<PolicyView>();
        group.MapPost("/policy/accept", AcceptPolicyAsync).WithName("AcceptPrivacyPolicy")
             .WithSummary("Accepts the policy version in force (its version and content hash, as shown).")
             .Accepts<AcceptPolicyInput>("application/json", FormContent).Produces<AcceptanceView>().ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/consents", GetConsentsAsync).WithName("GetConsents")
             .WithSummary("The subject's consents in their current state, with the history of every fact.")
             .Produces<ConsentsView>();
        group.MapPost("/consents", GrantConsentAsync).WithName("GrantConsent")
             .WithSummary("Grants a consent; answers its receipt (format by Accept header or ?format=native|kantara|iso-27560).")
             .Accepts<GrantConsentInput>("application/json", FormContent)
             .Produces<JsonElement>(StatusCodes.Status200OK, "application/json", ConsentReceiptFormats.KantaraMediaType, ConsentReceiptFormats.Iso27560MediaType)
             .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/consents/{consentId:guid}/withdraw", WithdrawConsentAsync).WithName("WithdrawConsent")
             .WithSummary("Withdraws a consent; answers the withdrawal's receipt.")
             .Produces<JsonElement>(StatusCodes.Status200OK, "application/json", ConsentReceiptFormats.KantaraMediaType, ConsentReceiptFormats.Iso27560MediaType)
             .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/consents/{consentId:guid}/receipt", GetReceiptAsync).WithName("GetConsentReceipt")
             .WithSummary("The receipt of a consent's latest fact, in the format asked for.")
             .Produces<JsonElement>(StatusCodes.Status200OK, "application/json", ConsentReceiptFormats.KantaraMediaType, ConsentReceiptFormats.Iso27560MediaType)
             .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/objections", GetObjectionsAsync).WithName("GetObjections")
             .WithSummary("The purposes the subject objects to, with the history of raised and lifted objections.")
             .Produces<ObjectionsView>();
        group.MapPost("/objections/{purpose}", RaiseObjectionAsync).WithName("RaiseObjection")
             .WithSummary("Objects to a purpose (for example own-marketing).").Produces<ObjectionView>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/objections/{purpose}/lift", LiftObjectionAsync).WithName("LiftObjection")
             .WithSummary("Lifts an objection (an explicit opt-in, kept over a later Global Privacy Control signal).").Produces<ObjectionView>();

        group.MapPost("/export", ExportAsync).WithName("ExportPersonalData")
             .WithSummary("Downloads the export of the subject's information with its disclosure ledger. Needs a recent sign-in; rate limited.")
             .Produces<JsonElement>(StatusCodes.Status200OK, "application/json")
             .Produces(StatusCodes.Status401Unauthorized).Produces(StatusCodes.Status429TooManyRequests)
             .RequireRateLimiting(RateLimiterPolicy);
        group.MapPost("/rectify", RectifyAsync).WithName("RectifyPersonalData")
             .WithSummary("Corrects the subject's information, category by category; answers the request.")
             .Accepts<RectifyInput>("application/json", FormContent).Produces<RequestView>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/erase", EraseAsync).WithName("ErasePersonalData")
             .WithSummary("Erases the subject's information; answers the request (what was kept and why). Needs a recent sign-in; rate limited.")
             .Produces<RequestView>(StatusCodes.Status202Accepted)
             .Produces(StatusCodes.Status401Unauthorized).Produces(StatusCodes.Status429TooManyRequests)
             .RequireRateLimiting(RateLimiterPolicy);
        group.MapGet("/requests", GetRequestsAsync).WithName("GetSubjectRightsRequests")
             .WithSummary("The subject's access, rectification and erasure requests.").Produces<IReadOnlyList<RequestView>>();
        group.MapGet("/requests/{requestId:guid}", GetRequestAsync).WithName("GetSubjectRightsRequest")
             .WithSummary("One request's status, steps and kept records.").Produces<RequestView>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> GetPolicyAsync(HttpContext context, IPolicyProvider policies, IPolicyAcceptanceService acceptances)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        var current = policies.Current;
        var status = await acceptances.GetStatusAsync(subject, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new PolicyView(
            current.Version.PolicyId.Value, current.Version.Version.ToString(), current.Version.PublishedAt, current.Version.ContentHash,
            current.Document.Title, PolicyText(current), status.HasAcceptedCurrent,
            status.CurrentAcceptance?.AcceptedAt, status.LatestAcceptance?.Policy.Version.ToString()));
    }

    private static async Task<IResult> AcceptPolicyAsync(HttpContext context, IPolicyAcceptanceService acceptances, IPolicyProvider policies)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        var (input, error) = await BodyAsync<AcceptPolicyInput>(context, static form => new AcceptPolicyInput(form["version"], form["contentHash"])).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var current = policies.Current.Version;
        if (!Version.TryParse(input!.Version, out var version) || version != current.Version || !string.Equals(input.ContentHash, current.ContentHash, StringComparison.Ordinal))
        {
            return BadRequest("policy-not-current", $"Only the policy in force can be accepted: version {current.Version} with its content hash (field 'version', 'contentHash').");
        }

        var acceptance = await acceptances.AcceptAsync(subject, version, current.ContentHash, "privacy-endpoints#accept", context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new AcceptanceView(acceptance.Policy.PolicyId.Value, acceptance.Policy.Version.ToString(), acceptance.Policy.ContentHash, acceptance.AcceptedAt, acceptance.Kind.ToString()));
    }

    private static async Task<IResult> GetConsentsAsync(HttpContext context, IConsentService consents)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        var statuses = await consents.GetStatusesAsync(subject, null, context.RequestAborted).ConfigureAwait(false);
        var history = new List<ConsentFactView>();
        await foreach (var fact in consents.GetHistoryAsync(subject, context.RequestAborted).ConfigureAwait(false))
        {
            history.Add(new ConsentFactView(fact.ConsentId.Value, fact.State.ToString(), fact.RecordedAt, $"{fact.Policy.PolicyId.Value}@{fact.Policy.Version}", fact.Reason));
        }

        var current = statuses.Select(static s => new ConsentView(
            s.ConsentId.Value, s.State.ToString(), s.IsGiven, s.GivenAt, s.ChangedAt,
            s.Policy is { } p ? $"{p.PolicyId.Value}@{p.Version}" : null,
            s.Terms?.Purposes.Select(static x => x.Value).ToList() ?? [],
            s.Terms?.Categories.Select(static x => x.Value).ToList() ?? [],
            s.Terms?.Acts.Select(static x => x.ToString()).ToList() ?? [],
            s.Terms?.Recipient?.Value, s.Terms?.ExpiresAt)).ToList();
        return TypedResults.Ok(new ConsentsView(current, history));
    }

    private static async Task<IResult> GrantConsentAsync(HttpContext context, IConsentService consents, IPolicyProvider policies, ConsentReceiptFormats receipts)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        var (input, error) = await BodyAsync<GrantConsentInput>(context, static form => new GrantConsentInput(
            [.. form["purposes"].OfType<string>()], [.. form["categories"].OfType<string>()], [.. form["acts"].OfType<string>()],
            form["recipient"], form["recipientKind"], form["collectionMethod"])).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (input!.Purposes is not { Count: > 0 } || input.Categories is not { Count: > 0 })
        {
            return BadRequest("consent-incomplete", "A consent names at least one purpose (field 'purposes') and one category (field 'categories').");
        }

        var acts = new List<ProcessingAct>();
        foreach (var act in input.Acts is { Count: > 0 } ? input.Acts : ["Collect", "Use"])
        {
            if (!Enum.TryParse<ProcessingAct>(act, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(act, out _))
            {
                return BadRequest("consent-act-unknown", $"Field 'acts': '{act}' is not one of {string.Join(", ", Enum.GetNames<ProcessingAct>())}.");
            }

            acts.Add(parsed);
        }

        RecipientKind? recipientKind = null;
        if (!string.IsNullOrEmpty(input.RecipientKind))
        {
            if (!Enum.TryParse<RecipientKind>(input.RecipientKind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(input.RecipientKind, out _))
            {
                return BadRequest("consent-recipient-kind-unknown", $"Field 'recipientKind': not one of {string.Join(", ", Enum.GetNames<RecipientKind>())}.");
            }

            recipientKind = kind;
        }

        var policy = policies.Current.Version;
        ConsentResult result;
        try
        {
            result = await consents.GrantAsync(new ConsentRequest
            {
                Subject = subject,
                PolicyVersion = policy.Version,
                PolicyContentHash = policy.ContentHash,
                Purposes = [.. input.Purposes.Select(static p => new PurposeId(p))],
                Categories = [.. input.Categories.Select(static c => new DataCategory(c))],
                Acts = acts,
                Recipient = string.IsNullOrEmpty(input.Recipient) ? null : new RecipientId(input.Recipient),
                RecipientKind = recipientKind,
                CollectionMethod = string.IsNullOrWhiteSpace(input.CollectionMethod) ? "privacy-endpoints" : input.CollectionMethod,
            }, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException exception)
        {
            return BadRequest("consent-invalid", exception.Message);
        }

        return await receipts.WriteAsync(context, subject, result.Receipt, result.Fact).ConfigureAwait(false);
    }

    private static async Task<IResult> WithdrawConsentAsync(HttpContext context, Guid consentId, IConsentService consents, ConsentReceiptFormats receipts)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        if (await ValidateFormAsync(context).ConfigureAwait(false) is { } invalid)
        {
            return invalid;
        }

        var id = new ConsentId(consentId);
        if (await consents.GetStatusAsync(subject, id, null, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return NotFound("consent-not-found", "The subject has no consent with this id.");
        }

        var result = await consents.WithdrawAsync(subject, id, context.RequestAborted).ConfigureAwait(false);
        return await receipts.WriteAsync(context, subject, result.Receipt, result.Fact).ConfigureAwait(false);
    }

    private static async Task<IResult> GetReceiptAsync(HttpContext context, Guid consentId, IConsentService consents, IPolicyProvider policies, ConsentReceiptFormats receipts)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        ConsentFact? latest = null;
        ConsentFact? terms = null;
        await foreach (var fact in consents.GetHistoryAsync(subject, context.RequestAborted).ConfigureAwait(false))
        {
            if (fact.ConsentId.Value == consentId)
            {
                latest = fact;
                terms = fact.Terms is null ? terms : fact;
            }
        }

        if (latest is null || terms?.Terms is null)
        {
            return NotFound("consent-not-found", "The subject has no consent with this id.");
        }

        return await receipts.WriteAsync(context, subject, receipts.Rebuild(latest, terms.Terms), latest).ConfigureAwait(false);
    }

    private static async Task<IResult> GetObjectionsAsync(HttpContext context, IAcceptanceStore store)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        var history = new List<ObjectionView>();
        await foreach (var fact in store.GetObjectionsAsync(subject, context.RequestAborted).ConfigureAwait(false))
        {
            history.Add(new ObjectionView(fact.Purpose.Value, fact.State.ToString(), fact.RecordedAt));
        }

        var objecting = history.GroupBy(static h => h.Purpose, StringComparer.Ordinal)
            .Select(static g => g.OrderBy(static h => h.RecordedAt).Last())
            .Where(static h => h.State == nameof(ObjectionState.Raised)).Select(static h => h.Purpose).Order(StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new ObjectionsView(objecting, history));
    }

    private static Task<IResult> RaiseObjectionAsync(HttpContext context, string purpose, IObjectionService objections, GlobalPrivacyControlHandler signal) =>
        ChangeObjectionAsync(context, purpose, signal, (subject, id, ct) => objections.ObjectAsync(subject, id, ct));

    private static Task<IResult> LiftObjectionAsync(HttpContext context, string purpose, IObjectionService objections, GlobalPrivacyControlHandler signal) =>
        ChangeObjectionAsync(context, purpose, signal, (subject, id, ct) => objections.LiftAsync(subject, id, ct));

    private static async Task<IResult> ChangeObjectionAsync(
        HttpContext context, string purpose, GlobalPrivacyControlHandler signal, Func<SubjectId, PurposeId, CancellationToken, ValueTask<ObjectionFact>> change)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        if (await ValidateFormAsync(context).ConfigureAwait(false) is { } invalid)
        {
            return invalid;
        }

        ObjectionFact fact;
        try
        {
            fact = await change(subject, new PurposeId(purpose), context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException exception)
        {
            return BadRequest("objection-invalid", exception.Message);
        }

        signal.Forget(subject);
        return TypedResults.Ok(new ObjectionView(fact.Purpose.Value, fact.State.ToString(), fact.RecordedAt));
    }

    private static async Task<IResult> ExportAsync(HttpContext context, ISubjectRightsService rights, IOptions<PrivacyWebOptions> options, TimeProvider time)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        if (await ValidateFormAsync(context).ConfigureAwait(false) is { } invalid)
        {
            return invalid;
        }

        if (await RecentAuthentication.RequireAsync(context, options.Value, time).ConfigureAwait(false) is { } challenge)
        {
            return challenge;
        }

        var access = await rights.AccessAsync(subject, context.RequestAborted).ConfigureAwait(false);
        var bytes = SubjectDataExportSchema.ToUtf8Json(access.Export);
        context.Response.Headers["X-Privacy-Request-Id"] = access.Request.Id.Value.ToString();
        return TypedResults.File(bytes, "application/json", $"personal-data-{access.Export.GeneratedAt.UtcDateTime.ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture)}.json");
    }

    private static async Task<IResult> RectifyAsync(HttpContext context, ISubjectRightsService rights)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        var (input, error) = await BodyAsync<RectifyInput>(context, static form =>
        {
            var corrections = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (form["category"].ToString() is { Length: > 0 } category)
            {
                corrections[category] = JsonSerializer.SerializeToElement(form["value"].ToString());
            }

            return new RectifyInput(corrections);
        }).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (input!.Corrections is not { Count: > 0 })
        {
            return BadRequest("rectify-empty", "A rectification names at least one category and its corrected value (field 'corrections').");
        }

        SubjectRightsRequest request;
        try
        {
            var corrections = input.Corrections.ToDictionary(static c => new DataCategory(c.Key), static c => c.Value);
            request = await rights.RectifyAsync(subject, corrections, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException exception)
        {
            return BadRequest("rectify-invalid", exception.Message);
        }

        return TypedResults.Ok(RequestView.From(request));
    }

    private static async Task<IResult> EraseAsync(HttpContext context, ISubjectRightsService rights, IOptions<PrivacyWebOptions> options, TimeProvider time, LinkGenerator links)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        if (await ValidateFormAsync(context).ConfigureAwait(false) is { } invalid)
        {
            return invalid;
        }

        if (await RecentAuthentication.RequireAsync(context, options.Value, time).ConfigureAwait(false) is { } challenge)
        {
            return challenge;
        }

        var request = await rights.EraseAsync(subject, context.RequestAborted).ConfigureAwait(false);
        var location = links.GetPathByName(context, "GetSubjectRightsRequest", new { requestId = request.Id.Value });
        return TypedResults.Accepted(location, RequestView.From(request));
    }

    private static async Task<IResult> GetRequestsAsync(HttpContext context, ISubjectRightsRequestStore store)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        var requests = new List<RequestView>();
        await foreach (var request in store.GetBySubjectAsync(subject, context.RequestAborted).ConfigureAwait(false))
        {
            requests.Add(RequestView.From(request));
        }

        return TypedResults.Ok(requests.OrderBy(static r => r.ReceivedAt).ToList());
    }

    private static async Task<IResult> GetRequestAsync(HttpContext context, Guid requestId, ISubjectRightsRequestStore store)
    {
        if (await SubjectAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return NoSubject();
        }

        // Another subject's request is "not found", never "forbidden": its existence is not the caller's to learn.
        await foreach (var request in store.GetBySubjectAsync(subject, context.RequestAborted).ConfigureAwait(false))
        {
            if (request.Id.Value == requestId)
            {
                return TypedResults.Ok(RequestView.From(request));
            }
        }

        return NotFound("request-not-found", "The subject has no request with this id.");
    }

    private static ValueTask<SubjectId?> SubjectAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<ISubjectResolver>().ResolveAsync(context);

    private static string? PolicyText(PublishedPolicy policy)
    {
        if (string.Equals(policy.Document.Id, StandardPolicy.Id, StringComparison.Ordinal) && string.Equals(policy.Document.Version, StandardPolicy.Version, StringComparison.Ordinal))
        {
            return StandardPolicy.Text;
        }

        var clauses = policy.Document.Clauses.Where(static c => !string.IsNullOrEmpty(c.Text)).Select(static c => c.Text).ToList();
        return clauses.Count == 0 ? null : string.Join("\n\n", clauses);
    }

    /// <summary>A form post without a valid antiforgery token is refused; a JSON body needs none (browsers do not send one cross-site without CORS).</summary>
    internal static async Task<IResult?> ValidateFormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return null;
        }

        return Problem(StatusCodes.Status400BadRequest, "antiforgery-invalid", "The form post carries no valid antiforgery token.");
    }

    private static async Task<(T? Value, IResult? Error)> BodyAsync<T>(HttpContext context, Func<IFormCollection, T> fromForm)
        where T : class
    {
        var request = context.Request;
        if (request.HasFormContentType)
        {
            if (await ValidateFormAsync(context).ConfigureAwait(false) is { } invalid)
            {
                return (null, invalid);
            }

            var form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            return (fromForm(form), null);
        }

        if (!request.HasJsonContentType())
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                $"The body must be JSON or an HTML form ({FormContent} or {MultipartContent})."));
        }

        try
        {
            var value = await request.ReadFromJsonAsync<T>(context.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, BadRequest("body-missing", "The request has no JSON body.")) : (value, null);
        }
        catch (JsonException exception)
        {
            // The path and position are the body's own, never a value from it.
            return (null, BadRequest("body-invalid", $"The JSON body is not valid at {exception.Path ?? "$"} (line {exception.LineNumber}, position {exception.BytePositionInLine})."));
        }
    }

    private static IResult NoSubject() =>
        Problem(StatusCodes.Status403Forbidden, "no-subject", "The signed-in user carries no subject identifier (claim 'sub' or NameIdentifier).");

    private static IResult BadRequest(string kind, string detail) => Problem(StatusCodes.Status400BadRequest, kind, detail);

    private static IResult NotFound(string kind, string detail) => Problem(StatusCodes.Status404NotFound, kind, detail);

    internal static IResult Problem(int status, string kind, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Type = "urn:privacy-enforcement:problem:" + kind, Title = detail, Detail = detail });
}
