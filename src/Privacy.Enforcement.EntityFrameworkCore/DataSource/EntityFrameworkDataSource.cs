using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>
/// The personal data source of a <c>DbContext</c>, built from its model's classified properties: export reads every
/// classified value of the subject by category, rectification writes a category's properties, erasure deletes or
/// anonymises the subject's rows entity by entity (<c>store.subject-access</c>, <c>store.subject-edit</c>,
/// <c>store.subject-delete</c>). Each call uses its own context from a new service scope and one SaveChanges.
/// </summary>
/// <typeparam name="TContext">The context type.</typeparam>
internal sealed class EntityFrameworkDataSource<TContext> : IClassifiedPersonalDataSource
    where TContext : DbContext
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IServiceProvider _services;
    private readonly EntityFrameworkDataSourceOptions _options;
    private readonly Lazy<PersonalDataModel> _model;

    public EntityFrameworkDataSource(IServiceScopeFactory scopes, IServiceProvider services, IOptionsMonitor<EntityFrameworkDataSourceOptions> options)
    {
        _scopes = scopes;
        _services = services;
        _options = options.Get(OptionsName);
        _model = new Lazy<PersonalDataModel>(ReadModel);
    }

    /// <summary>Gets the options name of this context type.</summary>
    public static string OptionsName => typeof(TContext).FullName!;

    public string Name => _options.Name ?? typeof(TContext).Name;

    public DataSourceOperator Operator => _options.Operator;

    public IReadOnlyList<DataCategory> Categories => _model.Value.Categories;

    public IReadOnlyList<ClassifiedField> Fields => _model.Value.Fields;

    public async ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var scope = _scopes.CreateAsyncScope();
        await using var scoped = scope.ConfigureAwait(false);
        var context = scope.ServiceProvider.GetRequiredService<TContext>();
        var model = PersonalDataModel.For(context.Model);
        var values = new Dictionary<DataCategory, List<JsonElement>>();
        SubjectDataKey? key = null;
        var shredded = false;
        try
        {
            foreach (var entity in model.Entities)
            {
                foreach (var row in await entity.Access.LoadAsync(context, subject, tracking: false, cancellationToken).ConfigureAwait(false))
                {
                    foreach (var property in entity.Properties)
                    {
                        var value = property.Property.GetGetter().GetClrValue(row);
                        if (value is null)
                        {
                            continue;
                        }

                        if (property.Encrypted)
                        {
                            if (key is null && !shredded)
                            {
                                (key, shredded) = await KeyAsync(subject, cancellationToken).ConfigureAwait(false);
                            }

                            // Crypto-shredded: the value is unreadable and no longer the subject's data to export.
                            if (key is null)
                            {
                                continue;
                            }

                            value = EncryptedText.Decrypt(key, property.FieldName, (string)value);
                        }

                        if (!values.TryGetValue(property.Category, out var list))
                        {
                            values[property.Category] = list = [];
                        }

                        list.Add(JsonSerializer.SerializeToElement(value, property.Property.ClrType));
                    }
                }
            }
        }
        finally
        {
            key?.Dispose();
        }

        // One value is the value itself; several (rows or properties of one category) are an array of them.
        return values.ToDictionary(v => v.Key, v => v.Value.Count == 1 ? v.Value[0] : JsonSerializer.SerializeToElement(v.Value));
    }

    public async ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        using var rights = PrivacyScope.BeginSubjectRights();
        var scope = _scopes.CreateAsyncScope();
        await using var scoped = scope.ConfigureAwait(false);
        var context = scope.ServiceProvider.GetRequiredService<TContext>();
        RequireInterceptor(context);
        var model = PersonalDataModel.For(context.Model);
        var targets = new List<(ClassifiedEntity Entity, ClassifiedProperty Property, object? Value)>();
        foreach (var (category, json) in changes)
        {
            var found = model.Entities.SelectMany(e => e.Properties.Where(p => p.Category == category).Select(p => (e, p))).ToList();
            if (found.Count == 0)
            {
                // A correction of a narrower category goes to the properties classified by the category it lies within.
                found = [.. model.Entities.SelectMany(e => e.Properties.Where(p => category.IsWithin(p.Category)).Select(p => (e, p)))];
            }

            if (found.Count == 0)
            {
                throw new ArgumentException($"Data source '{Name}' holds no property of category '{category}'.", nameof(changes));
            }

            foreach (var (entity, property) in found)
            {
                targets.Add((entity, property, Convert(json, entity, property, category)));
            }
        }

        foreach (var group in targets.GroupBy(t => t.Entity))
        {
            foreach (var row in await group.Key.Access.LoadAsync(context, subject, tracking: true, cancellationToken).ConfigureAwait(false))
            {
                var entry = context.Entry(row);
                foreach (var (_, property, value) in group)
                {
                    entry.Property(property.Property).CurrentValue = value;
                }
            }
        }

        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(categories);
        using var rights = PrivacyScope.BeginSubjectRights();
        var scope = _scopes.CreateAsyncScope();
        await using var scoped = scope.ConfigureAwait(false);
        var context = scope.ServiceProvider.GetRequiredService<TContext>();
        var model = PersonalDataModel.For(context.Model);
        var erased = new HashSet<DataCategory>();
        foreach (var entity in model.Entities)
        {
            // A category covers the categories within it; what the request leaves out (a legal hold) stays.
            var erasable = entity.Properties.Where(p => categories.Any(p.Category.IsWithin)).ToArray();
            if (erasable.Length == 0)
            {
                continue;
            }

            var deleteRows = entity.Erasure == PersonalDataErasure.DeleteRows && erasable.Length == entity.Properties.Length;
            foreach (var row in await entity.Access.LoadAsync(context, subject, tracking: true, cancellationToken).ConfigureAwait(false))
            {
                var entry = context.Entry(row);
                foreach (var property in erasable)
                {
                    var member = entry.Property(property.Property);
                    if (member.CurrentValue is null)
                    {
                        continue;
                    }

                    erased.Add(property.Category);
                    if (!deleteRows)
                    {
                        member.CurrentValue = Anonymous(property);
                    }
                }

                if (deleteRows)
                {
                    entry.State = EntityState.Deleted;
                }
            }
        }

        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return [.. erased.Order()];
    }

    private static object? Anonymous(ClassifiedProperty property) =>
        property.Property.IsNullable ? null
        : property.Property.ClrType == typeof(string) ? string.Empty
        : Activator.CreateInstance(property.Property.ClrType);

    private static object? Convert(JsonElement json, ClassifiedEntity entity, ClassifiedProperty property, DataCategory category)
    {
        try
        {
            return json.Deserialize(property.Property.ClrType);
        }
        catch (JsonException ex)
        {
            // The value itself is never repeated: it is personal data.
            throw new ArgumentException($"The correction of category '{category}' is not a valid {property.Property.ClrType.Name} for {entity.Name}.{property.Property.Name}.", nameof(json), ex);
        }
    }

    private async ValueTask<(SubjectDataKey? Key, bool Shredded)> KeyAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var encryptor = _services.GetService<SubjectFieldEncryptor>()
            ?? throw new InvalidOperationException($"Data source '{Name}' has encrypted personal data properties but no subject data keys: call AddPrivacyEnforcement().UseSubjectKeyEncryption(...).");
        try
        {
            return (await encryptor.GetKeyAsync(subject, cancellationToken).ConfigureAwait(false), false);
        }
        catch (SubjectKeyShreddedException)
        {
            return (null, true);
        }
    }

    // Rectification must encrypt and check credentials like any other write.
    private static void RequireInterceptor(TContext context)
    {
        var model = PersonalDataModel.For(context.Model);
        if (!model.HasProtectedProperties)
        {
            return;
        }

        var interceptors = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors;
        if (interceptors?.OfType<PrivacySaveChangesInterceptor>().Any() != true)
        {
            throw new InvalidOperationException($"{typeof(TContext).Name} has encrypted personal data properties but not the privacy interceptor: add .UsePrivacyEnforcement(services) to its options in AddDbContext.");
        }
    }

    private PersonalDataModel ReadModel()
    {
        using var scope = _scopes.CreateScope();
        return PersonalDataModel.For(scope.ServiceProvider.GetRequiredService<TContext>().Model);
    }
}
