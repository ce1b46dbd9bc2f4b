using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Privacy.Enforcement;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.SubjectRights;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers personal data sources and configures subject-rights requests.</summary>
public static class PrivacyEnforcementBuilderSubjectRightsExtensions
{
    /// <summary>
    /// Registers a system that holds personal data. Its operator must be the application or a declared affiliate
    /// (<c>store.location</c>); all sources are validated at start-up.
    /// </summary>
    /// <typeparam name="TSource">The source type, created by the container as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder AddPersonalDataSource<TSource>(this PrivacyEnforcementBuilder builder)
        where TSource : class, IPersonalDataSource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPersonalDataSource, TSource>());
        return builder;
    }

    /// <summary>Registers a system that holds personal data; a source operated by anyone but the application or an affiliate is refused here (<c>store.location</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="source">The source.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The source's operator is neither the application nor an affiliate.</exception>
    public static PrivacyEnforcementBuilder AddPersonalDataSource(this PrivacyEnforcementBuilder builder, IPersonalDataSource source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);

        // Whether an affiliate is declared is known only at start-up; anyone else is refused now.
        if (PersonalDataSourceValidator.OperatorFailure(source, affiliates: null) is { } failure)
        {
            throw new ArgumentException(failure, nameof(source));
        }

        builder.Services.AddSingleton(source);
        return builder;
    }

    /// <summary>Configures subject-rights requests (response period, declared affiliates, extra credential categories).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder ConfigureSubjectRights(this PrivacyEnforcementBuilder builder, Action<SubjectRightsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Enables crypto-shredding with the host's key-encryption key: registers <see cref="SubjectFieldEncryptor"/>; erasure
    /// destroys the subject's data key.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="keyEncryptionKey">Creates the host's key-encryption key provider.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UseSubjectKeyEncryption(this PrivacyEnforcementBuilder builder, Func<IServiceProvider, IKeyEncryptionKeyProvider> keyEncryptionKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(keyEncryptionKey);
        builder.Services.Replace(ServiceDescriptor.Singleton(keyEncryptionKey));
        builder.Services.TryAddSingleton<SubjectFieldEncryptor>();
        builder.Services.TryAddSingleton<KeyEncryptionKeyRotation>();
        return builder;
    }

    /// <summary>
    /// Retires key-encryption key epochs on a schedule (<c>store.subject-delete</c>): every
    /// <see cref="KeyEncryptionKeyRotationOptions.RetireEvery"/>, live data keys are re-wrapped under the current epoch
    /// and older epochs are destroyed, so the wrapped keys a database keeps after an erasure (heap, WAL, backups) can no
    /// longer be unwrapped. Needs <see cref="UseSubjectKeyEncryption"/> with a provider that implements
    /// <see cref="IKeyEncryptionKeyEpochs"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the schedule.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder RetireKeyEncryptionKeyEpochs(this PrivacyEnforcementBuilder builder, Action<KeyEncryptionKeyRotationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<KeyEncryptionKeyRotationOptions>().ValidateOnStart();
        OptionsPathValidator<KeyEncryptionKeyRotationOptions>.Register(builder.Services, new KeyEncryptionKeyRotationOptionsValidator(), KeyEncryptionKeyRotationOptions.Path);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton<KeyEncryptionKeyRotation>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, KeyEncryptionKeyRetirementService>());
        return builder;
    }

    /// <summary>The subject-rights part of <c>AddPrivacyEnforcement</c>.</summary>
    /// <param name="services">The services.</param>
    internal static void AddSubjectRights(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SubjectRightsOptions>().ValidateOnStart();
        OptionsPathValidator<SubjectRightsOptions>.Register(services, new SubjectRightsOptionsValidator(), SubjectRightsOptions.Path);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SubjectRightsOptions>, PersonalDataSourceValidator>());
        services.TryAddSingleton<PersonalDataSources>();
        services.TryAddSingleton<SubjectRightsRequests>();
        services.TryAddSingleton<SubjectRightsEvents>();
        services.TryAddSingleton<LegalHolds>();
        services.TryAddSingleton<DisclosureLedger>();
        services.TryAddSingleton<SubjectRecordReader>();
        services.TryAddSingleton<SubjectDataExporter>();
        services.TryAddSingleton<SubjectRectification>();
        services.TryAddSingleton<ConsentRecordErasure>();
        services.TryAddSingleton<ReturnOrDeleteObligations>();
        services.TryAddSingleton<SubjectErasure>();
        services.TryAddSingleton<ISubjectRightsService, SubjectRightsService>();
    }
}
