using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>
/// Checks every save of classified values before any SQL is sent: credentials must be approved password hashes
/// (<c>store.account-security</c>); the classified values added or changed for each subject are a collection decision
/// for the purpose in scope (<c>collect.consent</c>), and a Deny refuses the whole save; encrypted properties are
/// encrypted with the subject's data key, and the entities keep their clear values once saved.
/// </summary>
internal sealed partial class PrivacySaveChangesInterceptor : SaveChangesInterceptor
{
    private readonly IServiceProvider _services;
    private readonly EntityFrameworkDataSourceOptions _options;
    private readonly CredentialCategories _credentials;
    private readonly ILogger _logger;
    private readonly ConditionalWeakTable<DbContext, List<PendingClearValue>> _pending = [];

    public PrivacySaveChangesInterceptor(IServiceProvider services, EntityFrameworkDataSourceOptions options)
    {
        _services = services;
        _options = options;
        _credentials = new CredentialCategories(services.GetService<IPolicyProvider>());
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger("Privacy.Enforcement.EntityFrameworkCore") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        // A synchronous SaveChanges gets the same checks; the decision is asynchronous underneath.
        CheckAsync(eventData.Context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await CheckAsync(eventData.Context, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        RestoreClearValues(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        RestoreClearValues(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => RestoreClearValues(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        RestoreClearValues(eventData.Context);
        return Task.CompletedTask;
    }

    private async ValueTask CheckAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (context is null)
        {
            return;
        }

        var model = PersonalDataModel.For(context.Model);
        if (model.Entities.Length == 0)
        {
            return;
        }

        Dictionary<SubjectId, Collected>? collected = null;
        List<(EntityEntry Entry, ClassifiedProperty Property, SubjectId Subject)>? toEncrypt = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified) || model.Find(entry.Metadata) is not { } entity)
            {
                continue;
            }

            SubjectId? subject = null;
            var modified = entry.State == EntityState.Modified;
            foreach (var property in entity.Properties)
            {
                // Read through the compiled getter: no property entry is made for the common case of an added row.
                var value = property.Property.GetGetter().GetClrValue(entry.Entity);
                if (value is null || (modified && !entry.Property(property.Property).IsModified))
                {
                    continue;
                }

                subject ??= await SubjectAsync(entry, entity, cancellationToken).ConfigureAwait(false);
                if (_credentials.IsCredential(property.Category) && PasswordHashing.Weakness(value as string) is { } weakness)
                {
                    throw new CredentialNotHashedException($"{entity.Name}.{property.Property.Name} holds a credential ({property.Category}, {ClauseIds.StoreAccountSecurity}) and may only be stored as an approved password hash, but {weakness}; nothing was saved. Hash it with {nameof(PasswordHashing)}.{nameof(PasswordHashing.Hash)}.");
                }

                if (property.Encrypted && !EncryptedText.IsEncrypted((string)value))
                {
                    (toEncrypt ??= []).Add((entry, property, subject.Value));
                }

                collected ??= [];
                if (!collected.TryGetValue(subject.Value, out var categories))
                {
                    collected[subject.Value] = categories = new Collected(entity.Name, []);
                }

                categories.Categories.Add(property.Category);
            }
        }

        if (collected is not null && !PrivacyScope.IsSubjectRights)
        {
            await DecideAsync(collected, cancellationToken).ConfigureAwait(false);
        }

        if (toEncrypt is not null)
        {
            await EncryptAsync(context, toEncrypt, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask DecideAsync(Dictionary<SubjectId, Collected> collected, CancellationToken cancellationToken)
    {
        var purpose = PrivacyScope.CurrentPurpose ?? (_options.DefaultPurpose is { } name ? new PurposeId(name) : null);
        if (purpose is null)
        {
            if (_options.Mode == PersonalDataSavingMode.Enforce)
            {
                throw new PersonalDataDeniedException($"Saving personal data of {collected.Values.First().EntityType} was refused before anything was written: no purpose is in scope. Wrap the work in {nameof(PrivacyScope)}.{nameof(PrivacyScope.Begin)}(purpose) or set {nameof(EntityFrameworkDataSourceOptions)}.{nameof(EntityFrameworkDataSourceOptions.DefaultPurpose)}.");
            }

            LogNoPurpose(_logger, collected.Values.First().EntityType);
            return;
        }

        var requests = new PrivacyRequest[collected.Count];
        var entities = new string[collected.Count];
        var i = 0;
        foreach (var (subject, write) in collected)
        {
            requests[i] = new CollectionRequest(subject, [.. write.Categories], purpose.Value);
            entities[i++] = write.EntityType;
        }

        var enforcer = _services.GetRequiredService<IPrivacyEnforcer>();
        var decisions = await enforcer.DecideManyAsync(requests, cancellationToken).ConfigureAwait(false);
        for (i = 0; i < decisions.Length; i++)
        {
            var decision = decisions[i];
            if (decision.IsFullyPermitted)
            {
                continue;
            }

            if (_options.Mode == PersonalDataSavingMode.Enforce)
            {
                throw new PersonalDataDeniedException(decision, entities[i]);
            }

            LogDeniedButSaved(_logger, entities[i], decision.Outcome, decision.Reason, decision.ReasonClause);
        }
    }

    private async ValueTask EncryptAsync(DbContext context, List<(EntityEntry Entry, ClassifiedProperty Property, SubjectId Subject)> toEncrypt, CancellationToken cancellationToken)
    {
        var encryptor = _services.GetService<SubjectFieldEncryptor>()
            ?? throw new InvalidOperationException("Encrypted personal data properties need the subject data keys: call AddPrivacyEnforcement().UseSubjectKeyEncryption(...).");
        var pending = _pending.GetOrCreateValue(context);
        foreach (var group in toEncrypt.GroupBy(e => e.Subject))
        {
            using var key = await encryptor.GetOrCreateKeyAsync(group.Key, cancellationToken).ConfigureAwait(false);
            foreach (var (entry, property, _) in group)
            {
                var member = entry.Property(property.Property);
                var clear = (string)member.CurrentValue!;
                member.CurrentValue = EncryptedText.Encrypt(key, property.FieldName, clear);
                pending.Add(new PendingClearValue(member, clear));
            }
        }
    }

    // The entity keeps its clear value once saved (or when the save failed), unchanged from the tracker's view.
    private void RestoreClearValues(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending))
        {
            return;
        }

        _pending.Remove(context);
        foreach (var (member, clear) in pending)
        {
            var modified = member.IsModified && member.EntityEntry.State != EntityState.Unchanged;
            member.CurrentValue = clear;
            member.OriginalValue = clear;
            member.IsModified = modified;
        }
    }

    private static async ValueTask<SubjectId> SubjectAsync(EntityEntry entry, ClassifiedEntity entity, CancellationToken cancellationToken)
    {
        if (entity.SubjectOf(entry.Entity) is { } subject)
        {
            return subject;
        }

        if (entity.SubjectNavigation is { } navigation && !entry.Reference(navigation).IsLoaded)
        {
            await entry.Reference(navigation).LoadAsync(cancellationToken).ConfigureAwait(false);
            if (entity.SubjectOf(entry.Entity) is { } loaded)
            {
                return loaded;
            }
        }

        throw new PersonalDataDeniedException($"A {entity.Name} with personal data has no subject ({string.Join('.', entity.SubjectPath.Select(p => p.Name))} is null); nothing was saved.");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Personal data of {EntityType} saved without a purpose in scope (audit-only mode): no collection decision was made.")]
    private static partial void LogNoPurpose(ILogger logger, string entityType);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Personal data of {EntityType} saved although the collection decision was {Outcome} ({Reason}, {Clause}) (audit-only mode).")]
    private static partial void LogDeniedButSaved(ILogger logger, string entityType, DecisionOutcome outcome, DecisionReason reason, string? clause);

    private sealed record Collected(string EntityType, HashSet<DataCategory> Categories);

    private readonly record struct PendingClearValue(PropertyEntry Member, string Clear);
}
