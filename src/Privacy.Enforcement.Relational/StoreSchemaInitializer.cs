using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Privacy.Enforcement.Relational;

/// <summary>Migrates the schema and checks the server when the host starts, so that a misconfigured database fails start-up, not the first decision.</summary>
internal sealed class StoreSchemaInitializer(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var database in services.GetServices<RelationalDatabase>())
        {
            await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
