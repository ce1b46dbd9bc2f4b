using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Privacy.Enforcement.Classification;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>One classified property of an entity.</summary>
/// <param name="Property">The EF property.</param>
/// <param name="Category">Its data category.</param>
/// <param name="Encrypted">Whether it is stored encrypted with the subject's data key.</param>
internal sealed record ClassifiedProperty(IProperty Property, DataCategory Category, bool Encrypted)
{
    /// <summary>The field name bound into the ciphertext: a value copied to another column or entity does not decrypt.</summary>
    public string FieldName { get; } = Property.DeclaringType.ShortName() + "." + Property.Name;
}

/// <summary>An entity type with classified properties and the path to its subject.</summary>
internal sealed class ClassifiedEntity
{
    public ClassifiedEntity(IEntityType type, IReadOnlyList<PropertyInfo> subjectPath, ClassifiedProperty[] properties, PersonalDataErasure erasure)
    {
        Type = type;
        SubjectPath = subjectPath;
        Properties = properties;
        Erasure = erasure;
        Access = (EntityAccess)Activator.CreateInstance(typeof(EntityAccess<>).MakeGenericType(type.ClrType), this)!;
    }

    public IEntityType Type { get; }

    public IReadOnlyList<PropertyInfo> SubjectPath { get; }

    /// <summary>Gets the navigation the subject is reached through, or <see langword="null"/> when it is the entity's own property.</summary>
    public string? SubjectNavigation => SubjectPath.Count == 2 ? SubjectPath[0].Name : null;

    public ClassifiedProperty[] Properties { get; }

    public PersonalDataErasure Erasure { get; }

    public EntityAccess Access { get; }

    public string Name => Type.ShortName();

    /// <summary>Reads a row's subject; <see langword="null"/> when the member (or the navigation) is null.</summary>
    public SubjectId? SubjectOf(object entity)
    {
        object? value = entity;
        foreach (var member in SubjectPath)
        {
            value = value is null ? null : member.GetValue(value);
        }

        return value is null ? null : new SubjectId(Convert.ToString(value, CultureInfo.InvariantCulture)!);
    }

    /// <summary>The subject id as a constant of the subject member's type, for a query.</summary>
    public object SubjectValue(SubjectId subject)
    {
        var type = Nullable.GetUnderlyingType(SubjectPath[^1].PropertyType) ?? SubjectPath[^1].PropertyType;
        return type == typeof(string) ? subject.Value
            : type == typeof(Guid) ? Guid.Parse(subject.Value, CultureInfo.InvariantCulture)
            : Convert.ChangeType(subject.Value, type, CultureInfo.InvariantCulture);
    }
}

/// <summary>The classified entities of a model, read once per model from the annotations and <c>[PersonalData]</c> attributes.</summary>
internal sealed class PersonalDataModel
{
    private static readonly ConditionalWeakTable<IModel, PersonalDataModel> Cache = [];
    private readonly Dictionary<IEntityType, ClassifiedEntity> _byType;

    private PersonalDataModel(ClassifiedEntity[] entities)
    {
        Entities = entities;
        _byType = entities.ToDictionary(e => e.Type);
        Categories = [.. entities.SelectMany(e => e.Properties).Select(p => p.Category).Distinct().Order()];
        Fields = [.. entities.SelectMany(e => e.Properties.Select(p => new ClassifiedField(e.Type.GetTableName() ?? e.Name, p.Property.GetColumnName(), p.Category, p.Encrypted)))];
        HasProtectedProperties = entities.Any(e => e.Properties.Any(p => p.Encrypted));
    }

    public ClassifiedEntity[] Entities { get; }

    public DataCategory[] Categories { get; }

    public ClassifiedField[] Fields { get; }

    public bool HasProtectedProperties { get; }

    public ClassifiedEntity? Find(IEntityType type) => _byType.GetValueOrDefault(type);

    public static PersonalDataModel For(IModel model) => Cache.GetValue(model, Read);

    private static PersonalDataModel Read(IModel model)
    {
        var entities = new List<ClassifiedEntity>();
        foreach (var type in model.GetEntityTypes())
        {
            var properties = new List<ClassifiedProperty>();
            foreach (var property in type.GetDeclaredProperties())
            {
                var attribute = property.PropertyInfo?.GetCustomAttribute<PersonalDataAttribute>();
                var category = property.FindAnnotation(PersonalDataAnnotations.Category)?.Value as string ?? attribute?.Category.Value;
                if (category is null)
                {
                    continue;
                }

                if (property.IsShadowProperty())
                {
                    throw new InvalidOperationException($"{type.ShortName()}.{property.Name} is classified as personal data but is a shadow property; classify a property of the entity class.");
                }

                var encrypted = property.FindAnnotation(PersonalDataAnnotations.Encrypted)?.Value is true || attribute?.Encrypted == true;
                if (encrypted && property.ClrType != typeof(string))
                {
                    throw new InvalidOperationException($"{type.ShortName()}.{property.Name} is an encrypted personal data property but is of type {property.ClrType.Name}; only string properties can be encrypted (the ciphertext is stored as text).");
                }

                properties.Add(new ClassifiedProperty(property, new DataCategory(category), encrypted));
            }

            if (properties.Count == 0)
            {
                continue;
            }

            var subject = type.FindAnnotation(PersonalDataAnnotations.Subject)?.Value as string
                ?? throw new InvalidOperationException($"{type.ShortName()} has personal data properties but no subject: call .HasSubject(e => e.UserId) on it in OnModelCreating, so its rows can be exported, corrected and erased per subject.");
            var erasure = type.FindAnnotation(PersonalDataAnnotations.Erasure)?.Value is string mode ? Enum.Parse<PersonalDataErasure>(mode) : PersonalDataErasure.DeleteRows;
            entities.Add(new ClassifiedEntity(type, SubjectPath(type, subject), [.. properties], erasure));
        }

        return new PersonalDataModel([.. entities]);
    }

    private static PropertyInfo[] SubjectPath(IEntityType type, string path)
    {
        var names = path.Split('.');
        var members = new PropertyInfo[names.Length];
        var clr = type.ClrType;
        for (var i = 0; i < names.Length; i++)
        {
            members[i] = clr.GetProperty(names[i]) ?? throw new InvalidOperationException($"The subject path '{path}' of {type.ShortName()} names no property '{names[i]}'.");
            clr = members[i].PropertyType;
        }

        if (names.Length == 2 && type.FindNavigation(names[0]) is not { IsCollection: false })
        {
            throw new InvalidOperationException($"The subject path '{path}' of {type.ShortName()} must go through a reference navigation; '{names[0]}' is not one.");
        }

        return members;
    }
}

/// <summary>Typed queries over one classified entity type, made once per type.</summary>
internal abstract class EntityAccess
{
    public abstract Task<List<object>> LoadAsync(DbContext context, SubjectId subject, bool tracking, CancellationToken cancellationToken);
}

/// <summary>Typed queries over <typeparamref name="TEntity"/>.</summary>
/// <typeparam name="TEntity">The entity type.</typeparam>
internal sealed class EntityAccess<TEntity>(ClassifiedEntity entity) : EntityAccess
    where TEntity : class
{
    public override async Task<List<object>> LoadAsync(DbContext context, SubjectId subject, bool tracking, CancellationToken cancellationToken)
    {
        // e => e.UserId == subject, or e => e.Customer.UserId == subject: translated to SQL (a join for the navigation).
        var parameter = Expression.Parameter(typeof(TEntity), "e");
        Expression member = parameter;
        foreach (var property in entity.SubjectPath)
        {
            member = Expression.Property(member, property);
        }

        // A captured value (not a constant) so the subject is sent as a parameter and the query plan is reused.
        var boxType = typeof(StrongBox<>).MakeGenericType(member.Type);
        var box = Activator.CreateInstance(boxType, entity.SubjectValue(subject))!;
        var value = Expression.Field(Expression.Constant(box), boxType.GetField(nameof(StrongBox<object>.Value))!);
        var predicate = Expression.Lambda<Func<TEntity, bool>>(Expression.Equal(member, value), parameter);
        IQueryable<TEntity> query = context.Set<TEntity>().Where(predicate);
        if (!tracking)
        {
            query = query.AsNoTracking();
        }

        var rows = await query.ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Cast<object>()];
    }
}
