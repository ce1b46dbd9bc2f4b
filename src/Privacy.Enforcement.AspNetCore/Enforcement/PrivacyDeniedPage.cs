using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// The denied answer of a page or an MVC action for a browser: a small accessible HTML page carrying the facts of the
/// problem (reason, clause ids, the reasons with the categories each withheld, the policy version), never personal data.
/// A client that asks for JSON first (or does not ask for HTML) keeps the problem document.
/// </summary>
internal static class PrivacyDeniedPage
{
    /// <summary>Whether the request prefers HTML to JSON: <c>text/html</c> ranks above every JSON type in its <c>Accept</c> header.</summary>
    public static bool PrefersHtml(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return false;
        }

        double html = 0, json = 0;
        var htmlAt = int.MaxValue;
        var jsonAt = int.MaxValue;
        for (var i = 0; i < accept.Count; i++)
        {
            var type = accept[i];
            var quality = type.Quality ?? 1;
            var name = type.MediaType.Value ?? string.Empty;
            if (name.Equals("text/html", StringComparison.OrdinalIgnoreCase) || name.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase))
            {
                (html, htmlAt) = quality > html ? (quality, i) : (html, htmlAt);
            }
            else if (name.Equals("application/json", StringComparison.OrdinalIgnoreCase) || name.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            {
                (json, jsonAt) = quality > json ? (quality, i) : (json, jsonAt);
            }
        }

        return html > 0 && (html > json || (html == json && htmlAt < jsonAt));
    }

    public static ContentResult Render(ProblemDetails problem)
    {
        var html = HtmlEncoder.Default;
        var page = new StringBuilder(1024);
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
            .Append(html.Encode(problem.Title ?? "Not permitted")).Append("</title>\n</head>\n<body>\n<main>\n<h1>")
            .Append(html.Encode(problem.Title ?? "Not permitted")).Append("</h1>\n");
        if (problem.Detail is { } detail)
        {
            page.Append("<p>").Append(html.Encode(detail)).Append("</p>\n");
        }

        page.Append("<dl>\n");
        Term(page, html, "Reason", problem.Extensions.TryGetValue("reason", out var reason) ? reason as string : null, "reason");
        Term(page, html, "Problem type", problem.Type, "type");
        Term(page, html, "Policy version", problem.Extensions.TryGetValue("policyVersion", out var version) ? version as string : null, "policy-version");
        page.Append("</dl>\n");

        if (problem.Extensions.TryGetValue("clauses", out var clauses) && clauses is IEnumerable<string> clauseIds && clauseIds.Any())
        {
            page.Append("<h2 id=\"clauses-heading\">Clauses</h2>\n<ul aria-labelledby=\"clauses-heading\" class=\"clauses\">\n");
            foreach (var clause in clauseIds)
            {
                page.Append("<li><code>").Append(html.Encode(clause)).Append("</code></li>\n");
            }

            page.Append("</ul>\n");
        }

        if (problem.Extensions.TryGetValue("reasons", out var reasons) && reasons is IEnumerable<object> entries && entries.Any())
        {
            page.Append("<h2 id=\"reasons-heading\">Reasons</h2>\n<table aria-labelledby=\"reasons-heading\" class=\"reasons\">\n")
                .Append("<thead><tr><th scope=\"col\">Reason</th><th scope=\"col\">Clause</th><th scope=\"col\">Categories</th></tr></thead>\n<tbody>\n");
            foreach (var entry in entries.OfType<IReadOnlyDictionary<string, object?>>())
            {
                var categories = entry.TryGetValue("categories", out var list) && list is IEnumerable<string> names ? string.Join(", ", names) : string.Empty;
                page.Append("<tr><td>").Append(html.Encode(entry.TryGetValue("reason", out var r) ? r as string ?? string.Empty : string.Empty))
                    .Append("</td><td><code>").Append(html.Encode(entry.TryGetValue("clause", out var c) ? c as string ?? "-" : "-"))
                    .Append("</code></td><td>").Append(html.Encode(categories.Length == 0 ? "-" : categories)).Append("</td></tr>\n");
            }

            page.Append("</tbody>\n</table>\n");
        }

        page.Append("</main>\n</body>\n</html>\n");
        return new ContentResult
        {
            StatusCode = problem.Status ?? StatusCodes.Status403Forbidden,
            ContentType = "text/html; charset=utf-8",
            Content = page.ToString(),
        };
    }

    private static void Term(StringBuilder page, HtmlEncoder html, string term, string? value, string id)
    {
        if (value is not null)
        {
            page.Append("<dt>").Append(term).Append("</dt><dd id=\"denied-").Append(id).Append("\"><code>").Append(html.Encode(value)).Append("</code></dd>\n");
        }
    }
}
