using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Privacy.Enforcement.WebSample.Demo;
using Privacy.Enforcement.WebSample.Profiles;

// The privacy center: Razor Pages on the library's services, SQLite in one file, demo users behind a cookie.
var builder = WebApplication.CreateBuilder(args);
var database = new SampleDatabase(builder.Configuration[SampleDatabase.DataDirectoryKey]);
builder.Services.AddSingleton(database);
builder.Services.AddSingleton<ProfileReader>();

builder.Services.AddPrivacyEnforcement(options => options.UsePolicyDocument(CenterPolicy.Document))
                .UseSqlite(database.ConnectionString)
                .AddEntityFrameworkDataSource<CenterDb>(o => o.Name = CenterDb.SourceName)   // the profile source, from the model
                .AddAspNetCore();                        // the subject from the sign-in, enforcement on pages and endpoints

// The shop's own entities; every save of a classified value is a collection decision for the purpose in scope.
builder.Services.AddDbContext<CenterDb>((services, options) => options.UseSqlite(database.ShopConnectionString).UsePrivacyEnforcement(services));

// After the library's hosted services: the schema exists and the audit trail runs when the demo world is created.
builder.Services.AddHostedService<DemoSeeder>();

// Stores reachable, audit queue depth and last write failure, the trail's head verified at start.
builder.Services.AddHealthChecks().AddPrivacyEnforcement();

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.LoginPath = "/SignIn";
        options.LogoutPath = "/SignOut";
        options.AccessDeniedPath = "/AccessDenied";
        options.Cookie.Name = "privacy-center";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;

        // The JSON endpoints answer 401 and 403 themselves; only pages send the browser to the sign-in page.
        options.Events.OnRedirectToLogin = context => IsApi(context.Request) ? Status(context.Response, StatusCodes.Status401Unauthorized) : Redirect(context);
        options.Events.OnRedirectToAccessDenied = context => IsApi(context.Request) ? Status(context.Response, StatusCodes.Status403Forbidden) : Redirect(context);
    });
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(DemoUser.OperatorRole, policy => policy.RequireRole(DemoUser.OperatorRole));
builder.Services.AddRazorPages(options =>
{
    options.Conventions.AuthorizeFolder("/Me");
    options.Conventions.AuthorizeFolder("/Operator", DemoUser.OperatorRole);
});

var app = builder.Build();

// "--data-map PATH" writes the sample's data map as PATH.json and PATH.md (docs/websample-data-map) instead of serving.
if (args is ["--data-map", var mapPath])
{
    WebSampleDataMap.Write(app.Services, mapPath);
    return;
}
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
}

app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();                                    // the privacy endpoints limit export and erasure
app.MapRazorPages();
app.MapPrivacyEndpoints("/privacy");                     // the privacy center's JSON API for the signed-in subject
app.MapContactCard();                                    // an endpoint behind .RequirePrivacy(...)
app.MapHealthChecks("/healthz");

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        Console.WriteLine($"Privacy center listening on {address} (database {database.FilePath}); Ctrl+C stops it.");
    }
});

await app.RunAsync();

static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/privacy") || request.Path.StartsWithSegments("/api");

static Task Status(HttpResponse response, int status)
{
    response.StatusCode = status;
    return Task.CompletedTask;
}

static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
{
    context.Response.Redirect(context.RedirectUri);
    return Task.CompletedTask;
}

/// <summary>The entry point; public so that tests can host the sample with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
