using System.Reflection;

namespace Privacy.Enforcement.Tests.Primitives;

/// <summary>
/// Every string identifier type is written by the build from one shape: each refuses the same invalid inputs with its
/// own name in the message, and each has the same public members.
/// </summary>
public sealed class IdentifierTypeTests
{
    private static readonly Type[] StringIdentifierTypes =
        [typeof(SubjectId), typeof(ActorId), typeof(RecipientId), typeof(PurposeId), typeof(DataCategory), typeof(ServiceId), typeof(ClauseId), typeof(PolicyId)];

    public static TheoryData<string> TypeNames => [.. StringIdentifierTypes.Select(t => t.Name)];

    /// <summary>Each invalid input by name (xunit cannot carry a lone surrogate through test discovery) with its problem.</summary>
    private static readonly Dictionary<string, (string? Value, string Problem)> InvalidInputs = new()
    {
        ["null"] = (null, "is required but was null"),
        ["empty"] = (string.Empty, "must not be empty or white space"),
        ["white space"] = (" \t", "must not be empty or white space"),
        ["too long"] = (new string('x', Identifier.MaxLength + 1), "must be at most 256 characters long but was 257"),
        ["control character"] = ("a\u0007b", "must not contain control characters (found one at position 1)"),
        ["lone surrogate"] = ("a\ud800", "must not contain a lone surrogate (position 1)"),
        ["zero-width space"] = ("ab\u200B", "must not contain the invisible or direction-changing character U+200B (format, Cf) (position 2)"),
    };

    public static TheoryData<string, string> Invalid()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in StringIdentifierTypes)
        {
            foreach (var input in InvalidInputs.Keys)
            {
                data.Add(type.Name, input);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_identifier_type_refuses_an_invalid_value_naming_itself_and_the_problem(string typeName, string input)
    {
        var type = StringIdentifierTypes.Single(t => t.Name == typeName);
        var (value, problem) = InvalidInputs[input];

        var thrown = FluentActions.Invoking(() => Create(type, value!)).Should().Throw<ArgumentException>().Which;
        thrown.Message.Should().StartWith($"{typeName} {problem}.");
        thrown.ParamName.Should().Be("value");
        TryCreate(type, value).Should().Be((false, Activator.CreateInstance(type)));
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Each_identifier_type_keeps_its_text_and_compares_ordinally(string typeName)
    {
        var type = StringIdentifierTypes.Single(t => t.Name == typeName);
        var a = Create(type, "a.b");
        var b = Create(type, "a.c");
        var upper = Create(type, "A.b");
        var empty = Activator.CreateInstance(type)!;

        type.GetProperty("Value")!.GetValue(a).Should().Be("a.b");
        a.ToString().Should().Be("a.b");
        a.Should().Be(Create(type, "a.b")).And.NotBe(b).And.NotBe(upper);
        a.GetHashCode().Should().Be(Create(type, "a.b").GetHashCode());
        ((int)type.GetMethod("CompareTo", [type])!.Invoke(a, [b])!).Should().BeNegative();
        Operator(type, "op_LessThan", a, b).Should().BeTrue();
        Operator(type, "op_GreaterThan", b, a).Should().BeTrue();
        Operator(type, "op_LessThanOrEqual", a, a).Should().BeTrue();
        Operator(type, "op_GreaterThanOrEqual", a, b).Should().BeFalse();
        Operator(type, "op_Equality", a, Create(type, "a.b")).Should().BeTrue();
        Operator(type, "op_Inequality", a, upper).Should().BeTrue();
        type.GetProperty("IsEmpty")!.GetValue(empty).Should().Be(true);
        type.GetProperty("IsEmpty")!.GetValue(a).Should().Be(false);
        type.GetProperty("Value")!.GetValue(empty).Should().Be(string.Empty);
        empty.GetHashCode().Should().Be(0);
        TryCreate(type, "a.b").Should().Be((true, a));
    }

    [Fact]
    public void Every_type_marked_as_a_string_identifier_is_listed_here_and_has_the_same_public_members()
    {
        typeof(Identifier).Assembly.GetTypes().Where(t => t.GetCustomAttribute<StringIdentifierAttribute>() is not null)
            .Should().BeEquivalentTo(StringIdentifierTypes);

        var shape = Shape(typeof(SubjectId));
        shape.Should().Contain(["ctor(SubjectId:String)", "Value:String", "IsEmpty:Boolean", "TryCreate(String,SubjectId&):Boolean", "op_Equality(SubjectId,SubjectId):Boolean"]);
        foreach (var type in StringIdentifierTypes)
        {
            type.IsValueType.Should().BeTrue();
            type.GetInterfaces().Should().Contain([typeof(IEquatable<>).MakeGenericType(type), typeof(IComparable<>).MakeGenericType(type)]);
            var own = Shape(type).Where(m => type != typeof(DataCategory) || !m.StartsWith("Parent", StringComparison.Ordinal) && !m.StartsWith("IsWithin", StringComparison.Ordinal));
            own.Select(m => m.Replace(type.Name, "SubjectId", StringComparison.Ordinal)).Should().BeEquivalentTo(shape, type.Name);
        }
    }

    private static string[] Shape(Type type) =>
    [
        .. type.GetConstructors().Select(c => $"ctor({type.Name}:{string.Join(',', c.GetParameters().Select(p => p.ParameterType.Name))})"),
        .. type.GetProperties().Select(p => $"{p.Name}:{p.PropertyType.Name}"),
        .. type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName || m.Name.StartsWith("op_", StringComparison.Ordinal))
            .Select(m => $"{m.Name}({string.Join(',', m.GetParameters().Select(p => p.ParameterType.Name))}):{m.ReturnType.Name}"),
    ];

    private static object Create(Type type, string value)
    {
        try
        {
            return Activator.CreateInstance(type, [value])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private static (bool Created, object? Result) TryCreate(Type type, string? value)
    {
        object?[] arguments = [value, null];
        var created = (bool)type.GetMethod("TryCreate")!.Invoke(null, arguments)!;
        return (created, arguments[1]);
    }

    private static bool Operator(Type type, string name, object left, object right) =>
        (bool)type.GetMethod(name, [type, type])!.Invoke(null, [left, right])!;
}
