using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Privacy.Enforcement.PostgreSql;
using Privacy.Enforcement.Relational;
using Privacy.Enforcement.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL stores and the cross-instance change feed.</summary>
public static class PrivacyEnforcementBuilderPostgreSqlExtensions
{
    /// <summary>
    /// Stores every aggregate and the audit trail in PostgreSQL and registers the LISTEN/NOTIFY change feed
    /// (<see cref="IPrivacyChangeFeed"/>) so that every instance honours a change acknowledged by another. The library
    /// creates and migrates its schema at start-up and refuses a server with <c>fsync</c> off. The data source is
    /// created from the connection string and disposed with the container. Replaces any store registered before.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UsePostgreSql(this PrivacyEnforcementBuilder builder, string connectionString) =>
        UsePostgreSql(builder, connectionString, configure: null);

    /// <summary>Stores every aggregate in PostgreSQL; see <see cref="UsePostgreSql(PrivacyEnforcementBuilder, string)"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Configures the stores (schema).</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UsePostgreSql(this PrivacyEnforcementBuilder builder, string connectionString, Action<PostgreSqlStoreOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = Configure(configure);
        return Register(builder, options, _ => new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), options.Schema, ownsDataSource: true));
    }

    /// <summary>
    /// Stores every aggregate and the audit trail in PostgreSQL through a data source the host owns (and disposes),
    /// and registers the LISTEN/NOTIFY change feed. See <see cref="UsePostgreSql(PrivacyEnforcementBuilder, string)"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">The data source.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UsePostgreSql(this PrivacyEnforcementBuilder builder, NpgsqlDataSource dataSource) =>
        UsePostgreSql(builder, dataSource, configure: null);

    /// <summary>Stores every aggregate in PostgreSQL through a data source the host owns; see <see cref="UsePostgreSql(PrivacyEnforcementBuilder, string)"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">The data source.</param>
    /// <param name="configure">Configures the stores (schema).</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UsePostgreSql(this PrivacyEnforcementBuilder builder, NpgsqlDataSource dataSource, Action<PostgreSqlStoreOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        var options = Configure(configure);
        return Register(builder, options, _ => new PostgreSqlDatabase(dataSource, options.Schema, ownsDataSource: false));
    }

    private static PostgreSqlStoreOptions Configure(Action<PostgreSqlStoreOptions>? configure)
    {
        var options = new PostgreSqlStoreOptions();
        configure?.Invoke(options);

        // Checked now, so that a bad schema name fails at registration with the option's name.
        PostgreSqlDatabase.ValidateSchema(options.Schema);
        return options;
    }

    private static PrivacyEnforcementBuilder Register(PrivacyEnforcementBuilder builder, PostgreSqlStoreOptions options, Func<IServiceProvider, PostgreSqlDatabase> database)
    {
        var services = builder.Services;
        services.RemoveAll<PostgreSqlDatabase>();
        services.AddSingleton(database);
        services.AddRelationalStores(sp => sp.GetRequiredService<PostgreSqlDatabase>());
        services.RemoveAll<RelationalAuditChain>();
        if (options.AuditChainPerInstance)
        {
            // This instance's audit writer appends to a chain of its own; reads and queries still see the whole trail. The
            // database is taken as the other stores take it (RelationalDatabase), so the container disposes it after the
            // audit pipeline, which writes its last checkpoint through this chain when it stops.
            services.AddSingleton(sp => new RelationalAuditChain(sp.GetRequiredService<RelationalDatabase>(), PostgreSqlDatabase.AuditChainLockFor(options.Schema), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<RelationalAuditStore>().Index));
            services.Replace(ServiceDescriptor.Singleton<IAuditSink>(sp => sp.GetRequiredService<RelationalAuditChain>()));
            services.Replace(ServiceDescriptor.Singleton<ICheckpointSink>(sp => sp.GetRequiredService<RelationalAuditChain>()));
        }

        services.Replace(ServiceDescriptor.Singleton<IPrivacyChangeFeed>(sp => new PostgreSqlChangeFeed(sp.GetRequiredService<PostgreSqlDatabase>())));
        return builder;
    }
}
