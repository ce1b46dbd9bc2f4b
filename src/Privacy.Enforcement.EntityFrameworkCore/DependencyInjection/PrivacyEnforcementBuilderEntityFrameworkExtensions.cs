using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.EntityFrameworkCore;
using Privacy.Enforcement.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <c>DbContext</c>'s classified entities as a personal data source, and its SaveChanges interceptor.</summary>
public static class PrivacyEnforcementBuilderEntityFrameworkExtensions
{
    /// <summary>
    /// Registers an <see cref="IPersonalDataSource"/> (an <see cref="IClassifiedPersonalDataSource"/>) built from
    /// <typeparamref name="TContext"/>'s model, and the interceptor its options take with
    /// <see cref="UsePrivacyEnforcement"/>. The context must be registered (<c>AddDbContext</c>).
    /// </summary>
    /// <typeparam name="TContext">The context type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the name, default purpose and mode.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder AddEntityFrameworkDataSource<TContext>(this PrivacyEnforcementBuilder builder, Action<EntityFrameworkDataSourceOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = EntityFrameworkDataSource<TContext>.OptionsName;
        var options = builder.Services.AddOptions<EntityFrameworkDataSourceOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPersonalDataSource, EntityFrameworkDataSource<TContext>>());
        builder.Services.TryAddKeyedSingleton(typeof(TContext), (services, _) =>
            new PrivacySaveChangesInterceptor(services, services.GetRequiredService<IOptionsMonitor<EntityFrameworkDataSourceOptions>>().Get(name)));
        return builder;
    }

    /// <summary>
    /// Adds the privacy SaveChanges interceptor to a context's options:
    /// <c>services.AddDbContext&lt;AppDb&gt;((sp, o) =&gt; o.UseSqlite(...).UsePrivacyEnforcement(sp))</c>.
    /// </summary>
    /// <param name="options">The context options builder.</param>
    /// <param name="services">The application's services.</param>
    /// <returns>The options builder.</returns>
    /// <exception cref="InvalidOperationException">The context was not registered with <c>AddEntityFrameworkDataSource</c>.</exception>
    public static DbContextOptionsBuilder UsePrivacyEnforcement(this DbContextOptionsBuilder options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        var context = options.Options.ContextType;
        var interceptor = services.GetKeyedService<PrivacySaveChangesInterceptor>(context)
            ?? throw new InvalidOperationException($"No privacy interceptor is registered for {context.Name}: call AddPrivacyEnforcement().AddEntityFrameworkDataSource<{context.Name}>().");
        return options.AddInterceptors(interceptor);
    }
}
