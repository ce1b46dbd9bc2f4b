namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <see cref="PrivacyEnforcementServiceCollectionExtensions.AddPrivacyEnforcement(IServiceCollection)"/>;
/// store and sink packages extend it (<c>.UseSqlite(...)</c>, <c>.UsePostgreSql(...)</c>, <c>.UseInMemoryStores()</c>).
/// </summary>
public sealed class PrivacyEnforcementBuilder
{
    /// <summary>Creates the builder.</summary>
    /// <param name="services">The service collection.</param>
    public PrivacyEnforcementBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>Gets the service collection the library registers into.</summary>
    public IServiceCollection Services { get; }
}
