using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// The rate limiting policy of export and erasure: a fixed window per subject (per remote address for a request
/// without one), answered with 429 problem details and <c>Retry-After</c> when spent.
/// </summary>
internal sealed class SubjectRightsRateLimiterSetup(IOptions<PrivacyWebOptions> options) : IConfigureOptions<RateLimiterOptions>
{
    public void Configure(RateLimiterOptions limiter) => limiter.AddPolicy(PrivacyRateLimiting.SubjectRightsPolicy, new Policy(options.Value));

    private sealed class Policy(PrivacyWebOptions options) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = static async (context, cancellationToken) =>
        {
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await response.WriteAsJsonAsync(new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = "urn:privacy-enforcement:problem:rate-limited",
                Title = "Too many export or erasure requests; try again later.",
            }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken).ConfigureAwait(false);
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext)
        {
            // Reading is free: only a request that asks for an export or erasure spends a permit.
            if (HttpMethods.IsGet(httpContext.Request.Method) || HttpMethods.IsHead(httpContext.Request.Method) || HttpMethods.IsOptions(httpContext.Request.Method))
            {
                return RateLimitPartition.GetNoLimiter(string.Empty);
            }

            // The key stays in memory (never logged); a request without a subject shares its address's window.
            var key = ClaimsSubjectResolver.Resolve(httpContext.User) is { } subject
                ? "s:" + subject.Value
                : "a:" + (httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.SubjectRightsPermitLimit,
                Window = options.SubjectRightsWindow,
                QueueLimit = 0,
            });
        }
    }
}
