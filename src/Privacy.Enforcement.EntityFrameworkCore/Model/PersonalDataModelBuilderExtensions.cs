using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Privacy.Enforcement;
using Privacy.Enforcement.EntityFrameworkCore;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Classifies entity properties as personal data and names the property that holds the subject.</summary>
public static class PersonalDataModelBuilderExtensions
{
    /// <summary>Classifies the property as personal data of a data category (the same as <c>[PersonalData]</c> on it).</summary>
    /// <typeparam name="TProperty">The property type.</typeparam>
    /// <param name="property">The property builder.</param>
    /// <param name="category">The data category id, such as <see cref="StandardDataCategories.Email"/>.</param>
    /// <returns>The builder.</returns>
    public static PropertyBuilder<TProperty> IsPersonalData<TProperty>(this PropertyBuilder<TProperty> property, string category)
    {
        ArgumentNullException.ThrowIfNull(property);
        property.HasAnnotation(PersonalDataAnnotations.Category, new DataCategory(category).Value);
        return property;
    }

    /// <summary>
    /// Classifies the property as personal data stored encrypted with the subject's data key (AES-256-GCM): erasing the
    /// subject destroys the key, after which the stored values cannot be read. The property must be a string. An
    /// encrypted column cannot be filtered, sorted, grouped, joined on or indexed by value in a query: each write uses a
    /// fresh nonce, so equal values do not even store equal.
    /// </summary>
    /// <typeparam name="TProperty">The property type: <see cref="string"/>.</typeparam>
    /// <param name="property">The property builder.</param>
    /// <param name="category">The data category id.</param>
    /// <returns>The builder.</returns>
    public static PropertyBuilder<TProperty> IsEncryptedPersonalData<TProperty>(this PropertyBuilder<TProperty> property, string category)
    {
        ArgumentNullException.ThrowIfNull(property);
        property.IsPersonalData(category);
        property.HasAnnotation(PersonalDataAnnotations.Encrypted, true);
        return property;
    }

    /// <summary>
    /// Names the member that holds the subject id of each row: a property of the entity (<c>c =&gt; c.UserId</c>) or of an
    /// entity reached through a reference navigation (<c>o =&gt; o.Customer.UserId</c>). Its value (a string, or a value
    /// whose invariant text is the subject id) is the <see cref="SubjectId"/>.
    /// </summary>
    /// <typeparam name="TEntity">The entity type.</typeparam>
    /// <typeparam name="TSubject">The subject id type.</typeparam>
    /// <param name="entity">The entity type builder.</param>
    /// <param name="subject">The member path.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The expression is not a chain of property accesses.</exception>
    public static EntityTypeBuilder<TEntity> HasSubject<TEntity, TSubject>(this EntityTypeBuilder<TEntity> entity, Expression<Func<TEntity, TSubject>> subject)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(subject);
        var path = new List<string>();
        var body = subject.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : subject.Body;
        while (body is MemberExpression member)
        {
            path.Insert(0, member.Member.Name);
            body = member.Expression;
        }

        if (body != subject.Parameters[0] || path.Count is 0 or > 2)
        {
            throw new ArgumentException($"The subject of {typeof(TEntity).Name} must be a property ('e => e.UserId') or a property of a reference navigation ('e => e.Customer.UserId'); '{subject}' is neither.", nameof(subject));
        }

        entity.HasAnnotation(PersonalDataAnnotations.Subject, string.Join('.', path));
        return entity;
    }

    /// <summary>Says what erasing a subject does to the entity's rows (default: <see cref="PersonalDataErasure.DeleteRows"/>).</summary>
    /// <typeparam name="TEntity">The entity type.</typeparam>
    /// <param name="entity">The entity type builder.</param>
    /// <param name="erasure">Delete the rows or anonymise them.</param>
    /// <returns>The builder.</returns>
    public static EntityTypeBuilder<TEntity> OnErasure<TEntity>(this EntityTypeBuilder<TEntity> entity, PersonalDataErasure erasure)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        entity.HasAnnotation(PersonalDataAnnotations.Erasure, erasure.ToString());
        return entity;
    }
}
