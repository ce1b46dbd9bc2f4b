using System.Reflection;

namespace Privacy.Enforcement.Tests.Hardening;

/// <summary>Writes a value past a type's own checks, as a host using reflection or unsafe code could.</summary>
internal static class HardeningReflection
{
    /// <summary>Returns a copy of <paramref name="target"/> (a record made with <c>with</c>) whose property's storage holds <paramref name="value"/>.</summary>
    public static T With<T>(T target, string property, object value)
        where T : class
    {
        var field = BackingField(target.GetType(), property);
        field.SetValue(target, value);
        return target;
    }

    /// <summary>Returns <paramref name="target"/> (a struct) with its property's storage set to <paramref name="value"/>.</summary>
    public static T WithStruct<T>(T target, string property, object value)
        where T : struct
    {
        object boxed = target;
        BackingField(typeof(T), property).SetValue(boxed, value);
        return (T)boxed;
    }

    private static FieldInfo BackingField(Type type, string property)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            var field = current.GetField($"<{property}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
                ?? current.GetField("_" + char.ToLowerInvariant(property[0]) + property[1..], BindingFlags.Instance | BindingFlags.NonPublic);
            if (field is not null)
            {
                return field;
            }
        }

        throw new InvalidOperationException($"No storage found for {type.Name}.{property}.");
    }
}
