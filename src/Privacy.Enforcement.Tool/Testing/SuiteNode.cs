using System.Globalization;
using Privacy.Enforcement.Tool.Output;
using YamlDotNet.RepresentationModel;

namespace Privacy.Enforcement.Tool.Testing;

/// <summary>
/// A node of a decision suite with its path (<c>$.cases[2].request.categories[0]</c>) and position, so every error
/// names the file, line, column and path of the value at fault.
/// </summary>
internal readonly struct SuiteNode(YamlNode node, string path, string file)
{
    public string Path { get; } = path;

    public YamlNode Node { get; } = node;

    public ToolException Error(string message) =>
        new($"{file}:{Node.Start.Line}:{Node.Start.Column}: {Path}: {message}");

    /// <summary>Reads a value whose type checks itself (an id): the type's refusal becomes an error at this node.</summary>
    public T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ArgumentException ex)
        {
            throw Error(ex.Message);
        }
    }

    public bool Has(string key) => Node is YamlMappingNode map && map.Children.ContainsKey(new YamlScalarNode(key));

    public SuiteNode? Optional(string key)
    {
        var map = Node as YamlMappingNode ?? throw Error("expected a mapping (key: value lines).");
        return map.Children.TryGetValue(new YamlScalarNode(key), out var child) && !IsNull(child)
            ? new SuiteNode(child, $"{Path}.{key}", file)
            : null;
    }

    public SuiteNode Required(string key) => Optional(key) ?? throw Error($"'{key}' is required.");

    /// <summary>Fails on a key the format does not know: a misspelt key would otherwise be ignored silently.</summary>
    public void AllowOnly(params string[] keys)
    {
        var map = Node as YamlMappingNode ?? throw Error("expected a mapping (key: value lines).");
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value;
            if (name is null || !keys.Contains(name, StringComparer.Ordinal))
            {
                throw new SuiteNode(key, $"{Path}.{name}", file).Error($"unknown key '{name}'; expected one of: {string.Join(", ", keys)}.");
            }
        }
    }

    public IEnumerable<SuiteNode> Items()
    {
        var sequence = Node as YamlSequenceNode ?? throw Error("expected a list.");
        var i = 0;
        foreach (var child in sequence.Children)
        {
            yield return new SuiteNode(child, $"{Path}[{i++}]", file);
        }
    }

    public string Text()
    {
        if (Node is not YamlScalarNode { Value: { Length: > 0 } value })
        {
            throw Error("expected a text value.");
        }

        return value;
    }

    public IReadOnlyList<string> Texts() => Node is YamlScalarNode ? [Text()] : [.. Items().Select(i => i.Text())];

    public bool Bool() => Text() switch
    {
        "true" or "yes" => true,
        "false" or "no" => false,
        var other => throw Error($"expected true or false, not '{other}'."),
    };

    public DateTimeOffset Time()
    {
        var text = Text();
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            || !(text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 9))
        {
            throw Error($"'{text}' is not a time with its offset; write it as 2026-01-31T09:00:00Z.");
        }

        return time;
    }

    /// <summary>An enum value, written as in the policy document (<c>service-provider</c>) or as in C# (<c>ServiceProvider</c>).</summary>
    public T Enum<T>()
        where T : struct, Enum
    {
        var text = Text();
        var bare = text.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        if (!bare.All(char.IsAsciiLetterOrDigit) || char.IsAsciiDigit(bare[0]) || !System.Enum.TryParse<T>(bare, ignoreCase: true, out var value) || !System.Enum.IsDefined(value))
        {
            throw Error($"'{text}' is not a {typeof(T).Name}; expected one of: {string.Join(", ", System.Enum.GetNames<T>())}.");
        }

        return value;
    }

    private static bool IsNull(YamlNode node) => node is YamlScalarNode { Value: null or "" or "~" or "null", Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) };
}
