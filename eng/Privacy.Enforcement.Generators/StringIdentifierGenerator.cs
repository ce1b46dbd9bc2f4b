using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Privacy.Enforcement.Generators;

/// <summary>
/// Writes the members of every <c>readonly partial struct</c> marked <c>[StringIdentifier]</c>: a constructor that
/// validates with <c>Identifier.Validate</c>, <c>Value</c>, <c>IsEmpty</c>, <c>TryCreate</c>, ordinal equality,
/// ordering and <c>ToString</c>. The identifier types are written once here; each stays a distinct public type.
/// </summary>
/// <remarks>
/// <c>Identifier</c> is looked up in the namespace of <c>StringIdentifierAttribute</c>, so the two move together.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class StringIdentifierGenerator : IIncrementalGenerator
{
    private const string AttributeName = "StringIdentifierAttribute";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var targets = context.SyntaxProvider.CreateSyntaxProvider(
                predicate: static (node, _) => node is StructDeclarationSyntax s && s.AttributeLists.SelectMany(l => l.Attributes).Any(IsCandidate),
                transform: static (syntax, cancellation) => Describe(syntax.SemanticModel.GetDeclaredSymbol(syntax.Node, cancellation) as INamedTypeSymbol))
            .Where(static target => target is not null)
            .Select(static (target, _) => target!.Value);

        context.RegisterSourceOutput(targets, static (output, target) =>
            output.AddSource(target.HintName, SourceText.From(Render(target), Encoding.UTF8)));
    }

    private static bool IsCandidate(AttributeSyntax attribute)
    {
        var name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };
        return name is "StringIdentifier" or AttributeName;
    }

    private static Target? Describe(INamedTypeSymbol? type)
    {
        var attribute = type?.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == AttributeName);
        if (type is null || attribute?.AttributeClass is null || type.ContainingType is not null)
        {
            return null;
        }

        var ns = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();
        var rules = attribute.AttributeClass.ContainingNamespace;
        var identifier = "global::" + (rules.IsGlobalNamespace ? string.Empty : rules.ToDisplayString() + ".") + "Identifier";
        return new Target(ns, type.Name, identifier);
    }

    private static string Render(Target target)
    {
        var t = target.Name;
        var id = target.IdentifierClass;
        var body = $$"""
            /// <summary>Creates the identifier, validating it with <see cref="{{id}}.Validate"/>.</summary>
            /// <param name="value">The identifier text.</param>
            /// <exception cref="global::System.ArgumentException">The value is not a valid identifier (see <see cref="{{id}}"/>); the message names the type and the problem.</exception>
            public {{t}}(string value) => _value = {{id}}.Validate(value, nameof({{t}}), nameof(value));

            private readonly string? _value;

            /// <summary>Gets the identifier text; empty for the default value.</summary>
            public string Value => _value ?? string.Empty;

            /// <summary>Gets a value indicating whether this is the default (unset) value.</summary>
            public bool IsEmpty => _value is null;

            /// <summary>Tries to create the identifier without throwing.</summary>
            /// <param name="value">The identifier text.</param>
            /// <param name="result">The identifier when valid.</param>
            /// <returns><see langword="true"/> when <paramref name="value"/> is a valid identifier.</returns>
            public static bool TryCreate([global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value, out {{t}} result)
            {
                if ({{id}}.Check(value) is null)
                {
                    result = new {{t}}(value!);
                    return true;
                }

                result = default;
                return false;
            }

            /// <inheritdoc />
            public bool Equals({{t}} other) => string.Equals(_value, other._value, global::System.StringComparison.Ordinal);

            /// <inheritdoc />
            public override bool Equals(object? obj) => obj is {{t}} other && Equals(other);

            /// <inheritdoc />
            public override int GetHashCode() => _value is null ? 0 : global::System.StringComparer.Ordinal.GetHashCode(_value);

            /// <inheritdoc />
            public int CompareTo({{t}} other) => string.CompareOrdinal(_value, other._value);

            /// <inheritdoc />
            public override string ToString() => Value;

            /// <summary>Compares two identifiers for equality.</summary>
            /// <param name="left">The first identifier.</param>
            /// <param name="right">The second identifier.</param>
            /// <returns><see langword="true"/> when equal.</returns>
            public static bool operator ==({{t}} left, {{t}} right) => left.Equals(right);

            /// <summary>Compares two identifiers for inequality.</summary>
            /// <param name="left">The first identifier.</param>
            /// <param name="right">The second identifier.</param>
            /// <returns><see langword="true"/> when different.</returns>
            public static bool operator !=({{t}} left, {{t}} right) => !left.Equals(right);

            /// <summary>Orders two identifiers ordinally.</summary>
            /// <param name="left">The first identifier.</param>
            /// <param name="right">The second identifier.</param>
            /// <returns><see langword="true"/> when <paramref name="left"/> sorts first.</returns>
            public static bool operator <({{t}} left, {{t}} right) => left.CompareTo(right) < 0;

            /// <summary>Orders two identifiers ordinally.</summary>
            /// <param name="left">The first identifier.</param>
            /// <param name="right">The second identifier.</param>
            /// <returns><see langword="true"/> when <paramref name="left"/> sorts last.</returns>
            public static bool operator >({{t}} left, {{t}} right) => left.CompareTo(right) > 0;

            /// <summary>Orders two identifiers ordinally.</summary>
            /// <param name="left">The first identifier.</param>
            /// <param name="right">The second identifier.</param>
            /// <returns><see langword="true"/> when <paramref name="left"/> does not sort last.</returns>
            public static bool operator <=({{t}} left, {{t}} right) => left.CompareTo(right) <= 0;

            /// <summary>Orders two identifiers ordinally.</summary>
            /// <param name="left">The first identifier.</param>
            /// <param name="right">The second identifier.</param>
            /// <returns><see langword="true"/> when <paramref name="left"/> does not sort first.</returns>
            public static bool operator >=({{t}} left, {{t}} right) => left.CompareTo(right) >= 0;
            """;

        var text = new StringBuilder()
            .AppendLine("// <auto-generated by Privacy.Enforcement.Generators.StringIdentifierGenerator />")
            .AppendLine("#nullable enable");
        if (target.Namespace.Length > 0)
        {
            text.Append("namespace ").Append(target.Namespace).AppendLine(";").AppendLine();
        }

        text.Append("readonly partial struct ").Append(t)
            .Append(" : global::System.IEquatable<").Append(t).Append(">, global::System.IComparable<").Append(t).AppendLine(">")
            .AppendLine("{");
        foreach (var line in body.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            text.AppendLine(trimmed.Length == 0 ? string.Empty : "    " + trimmed);
        }

        return text.AppendLine("}").ToString();
    }

    private readonly record struct Target(string Namespace, string Name, string IdentifierClass)
    {
        public string HintName => (Namespace.Length == 0 ? Name : Namespace + "." + Name) + ".g.cs";
    }
}
