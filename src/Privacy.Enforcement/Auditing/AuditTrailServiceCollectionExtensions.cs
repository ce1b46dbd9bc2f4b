using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Privacy.Enforcement;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses and configures the audit trail's sinks.</summary>
public static class PrivacyEnforcementBuilderAuditExtensions
{
    /// <summary>Keeps the audit trail and its checkpoints in memory (<see cref="InMemoryAuditSink"/>). Nothing survives a restart.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UseInMemoryAuditTrail(this PrivacyEnforcementBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton<InMemoryAuditSink, InMemoryAuditSink>());
        services.Replace(ServiceDescriptor.Singleton<IAuditSink>(static sp => sp.GetRequiredService<InMemoryAuditSink>()));
        services.Replace(ServiceDescriptor.Singleton<IAuditTrailReader>(static sp => sp.GetRequiredService<InMemoryAuditSink>()));
        services.Replace(ServiceDescriptor.Singleton<ICheckpointSink>(static sp => sp.GetRequiredService<InMemoryAuditSink>()));
        return builder;
    }

    /// <summary>
    /// Writes the audit trail to a JSON Lines file (flushed to disk per batch) and its checkpoints to another.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The trail file.</param>
    /// <param name="checkpointPath">The checkpoint file; keep it apart from the trail. <see langword="null"/>: no checkpoints.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UseJsonLinesAuditTrail(this PrivacyEnforcementBuilder builder, string path, string? checkpointPath = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton(_ => new JsonLinesAuditSink(path)));
        services.Replace(ServiceDescriptor.Singleton<IAuditSink>(static sp => sp.GetRequiredService<JsonLinesAuditSink>()));
        services.Replace(ServiceDescriptor.Singleton<IAuditTrailReader>(static sp => sp.GetRequiredService<JsonLinesAuditSink>()));
        if (checkpointPath is null)
        {
            services.RemoveAll<ICheckpointSink>();
        }
        else
        {
            services.Replace(ServiceDescriptor.Singleton<ICheckpointSink>(_ => new JsonLinesCheckpointSink(checkpointPath)));
        }

        return builder;
    }

    /// <summary>Signs every checkpoint with a host-supplied key.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="signer">The signer (<see cref="HmacSha256CheckpointSigner"/>, <see cref="ECDsaCheckpointSigner"/> or the host's).</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UseAuditCheckpointSigner(this PrivacyEnforcementBuilder builder, IAuditCheckpointSigner signer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(signer);
        builder.Services.Replace(ServiceDescriptor.Singleton(signer));
        return builder;
    }

    /// <summary>
    /// Publishes every durable checkpoint outside the host through <paramref name="anchor"/>, off the writer's thread
    /// (failures are logged and retried; decisions never wait for it). See <see cref="IAuditCheckpointAnchor"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="anchor">The anchor.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UseAuditCheckpointAnchor(this PrivacyEnforcementBuilder builder, IAuditCheckpointAnchor anchor)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(anchor);
        builder.Services.Replace(ServiceDescriptor.Singleton(anchor));
        return builder;
    }

    /// <summary>Publishes every durable checkpoint outside the host through a <typeparamref name="TAnchor"/> resolved from the container.</summary>
    /// <typeparam name="TAnchor">The anchor type, created once.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UseAuditCheckpointAnchor<TAnchor>(this PrivacyEnforcementBuilder builder)
        where TAnchor : class, IAuditCheckpointAnchor
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuditCheckpointAnchor, TAnchor>());
        return builder;
    }

    /// <summary>Configures the audit pipeline (mode, timeout, batch size, back-off, checkpoints).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder ConfigureAuditTrail(this PrivacyEnforcementBuilder builder, Action<AuditTrailOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Registers the in-memory audit trail unless a sink is already chosen (for <c>UseInMemoryStores</c>).</summary>
    internal static void TryAddInMemoryAuditTrail(this PrivacyEnforcementBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(IAuditSink)))
        {
            return;
        }

        // TryAdd: a reader or checkpoint sink the host registered itself stays.
        services.TryAddSingleton<InMemoryAuditSink>();
        services.TryAddSingleton<IAuditSink>(static sp => sp.GetRequiredService<InMemoryAuditSink>());
        services.TryAddSingleton<IAuditTrailReader>(static sp => sp.GetRequiredService<InMemoryAuditSink>());
        services.TryAddSingleton<ICheckpointSink>(static sp => sp.GetRequiredService<InMemoryAuditSink>());
    }
}

/// <summary>Registers the audit pipeline; called once from <c>AddPrivacyEnforcement</c>.</summary>
internal static class AuditTrailServiceCollectionExtensions
{
    internal static void AddAuditTrail(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AuditTrailOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditTrailOptions>, AuditTrailOptionsValidator>());
        services.TryAddSingleton(static sp =>
        {
            var sink = sp.GetService<IAuditSink>() ?? throw new InvalidOperationException(
                "No audit sink is registered; call AddPrivacyEnforcement().UseJsonLinesAuditTrail(path, checkpointPath), .UseInMemoryAuditTrail(), a store package's Use...() method, or register an IAuditSink.");
            var reader = sink as IAuditTrailReader ?? sp.GetService<IAuditTrailReader>(); // resume from the sink it writes to
            return new AuditTrailPipeline(
                sink,
                reader,
                sp.GetService<ICheckpointSink>(),
                sp.GetService<IAuditCheckpointSigner>(),
                sp.GetRequiredService<IOptions<AuditTrailOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<AuditTrailPipeline>>(),
                sp.GetService<IAuditCheckpointAnchor>(),
                sp.GetRequiredService<PrivacyTelemetry>().Audit);
        });
        services.TryAddSingleton<IAuditTrail>(static sp => sp.GetRequiredService<AuditTrailPipeline>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditTrailHostedService>());
    }

    /// <summary>Starts the writer with the host and flushes the queue on host shutdown.</summary>
    private sealed class AuditTrailHostedService(AuditTrailPipeline pipeline) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => pipeline.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => pipeline.StopAsync(cancellationToken);
    }
}
