using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement.WorkerSample;

// A generic host on PostgreSQL: options from the "PrivacyEnforcement" section of appsettings.json, the connection
// string from "ConnectionStrings:PrivacyEnforcement" (override with the environment variable
// ConnectionStrings__PrivacyEnforcement), console logging, and the library's meter printed at shutdown.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.Services.AddPrivacyEnforcement()
                .UseInMemoryStores();

builder.Services.AddHostedService<MetricsPrinter>();
builder.Services.AddHostedService<DecisionWorker>();

await builder.Build().RunAsync();
