namespace Privacy.Enforcement.Tool.Output;

/// <summary>Where the tool writes, and whether it may colour what it writes.</summary>
internal sealed class Terminal(TextWriter output, TextWriter error, bool color)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public bool Color { get; } = color;

    /// <summary>
    /// Colour only on a real terminal: never when NO_COLOR is set (any value), when TERM is <c>dumb</c>, or when the
    /// output is redirected to a file or a pipe.
    /// </summary>
    public static Terminal ForConsole() => new(
        Console.Out,
        Console.Error,
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal)
            && !Console.IsOutputRedirected);

    public string Green(string text) => Paint(text, "32");

    public string Red(string text) => Paint(text, "31");

    public string Yellow(string text) => Paint(text, "33");

    public string Bold(string text) => Paint(text, "1");

    private string Paint(string text, string code) => Color ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
