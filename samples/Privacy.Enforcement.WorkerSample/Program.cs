using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement;
using Privacy.Enforcement.WorkerSample;

// A generic host on PostgreSQL. Everything comes from configuration: appsettings.json next to the executable,
// environment variables (ConnectionStrings__PrivacyEnforcement, PrivacyEnforcement__Audit__Mode, ...) and the command
// line (--ConnectionStrings:PrivacyEnforcement "Host=...").
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

var connectionString = builder.Configuration.GetConnectionString("PrivacyEnforcement");
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("Set ConnectionStrings:PrivacyEnforcement (appsettings.json or ConnectionStrings__PrivacyEnforcement).");
    return 2;
}

// The "PrivacyEnforcement" section: the policy (PolicyFile / PolicyJson, the standard policy when absent) and, under
// "Audit", the audit trail's mode and timeouts, which the library reads from configuration itself.
var section = builder.Configuration.GetSection(PrivacyEnforcementOptions.SectionName);
// The section binds every option group: Audit, Decisions, Engagements and SubjectRights.
builder.Services.AddPrivacyEnforcement(section)
                .UsePostgreSql(connectionString);

builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection("Worker"));
builder.Services.AddHostedService<MetricsPrinter>();
builder.Services.AddHostedService<DecisionWorker>();

await builder.Build().RunAsync();
return Environment.ExitCode;
