using System.Text;

namespace Privacy.Enforcement.Sample;

/// <summary>A plain-text table: fixed columns, cells that may hold several lines, long lines wrapped.</summary>
public sealed class TextTable
{
    private readonly string[] _headers;
    private readonly int _maxCellWidth;
    private readonly List<string[]> _rows = [];

    /// <summary>Creates a table with the given column headers.</summary>
    /// <param name="maxCellWidth">Lines longer than this wrap inside their cell.</param>
    /// <param name="headers">The column headers.</param>
    public TextTable(int maxCellWidth, params string[] headers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCellWidth, 4);
        _headers = headers;
        _maxCellWidth = maxCellWidth;
    }

    /// <summary>Gets or sets a value indicating whether a rule is drawn between rows (the header is always ruled off).</summary>
    public bool RuleBetweenRows { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether every column but the first is as wide as the wrap width, so tables printed one after another line up.</summary>
    public bool FixedWidth { get; set; }

    /// <summary>Gets the number of rows added.</summary>
    public int Count => _rows.Count;

    /// <summary>Adds a row; a cell's lines are separated by '\n'.</summary>
    /// <param name="cells">One text per column.</param>
    public void AddRow(params string[] cells)
    {
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"Expected {_headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
    }

    /// <summary>Writes the table.</summary>
    /// <param name="output">Where to write.</param>
    public void WriteTo(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var header = _headers.Select(Wrap).ToArray();
        var rows = _rows.Select(r => r.Select(Wrap).ToArray()).ToList();
        var widths = new int[_headers.Length];
        foreach (var row in rows.Prepend(header))
        {
            for (var c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Count == 0 ? 0 : row[c].Max(l => l.Length));
            }
        }

        if (FixedWidth)
        {
            for (var c = 1; c < widths.Length; c++)
            {
                widths[c] = Math.Max(widths[c], _maxCellWidth);
            }
        }

        var rule = "+" + string.Join("+", widths.Select(w => new string('-', w + 2))) + "+";
        output.WriteLine(rule);
        WriteRow(output, header, widths);
        output.WriteLine(rule.Replace('-', '='));
        for (var r = 0; r < rows.Count; r++)
        {
            WriteRow(output, rows[r], widths);
            if (RuleBetweenRows || r == rows.Count - 1)
            {
                output.WriteLine(rule);
            }
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        using var writer = new StringWriter();
        WriteTo(writer);
        return writer.ToString();
    }

    private static void WriteRow(TextWriter output, List<string>[] cells, int[] widths)
    {
        var height = cells.Max(c => c.Count);
        for (var line = 0; line < Math.Max(height, 1); line++)
        {
            var text = new StringBuilder("|");
            for (var c = 0; c < cells.Length; c++)
            {
                var cell = line < cells[c].Count ? cells[c][line] : string.Empty;
                text.Append(' ').Append(cell.PadRight(widths[c])).Append(" |");
            }

            output.WriteLine(text.ToString());
        }
    }

    // Splits a cell into its lines, wrapping each at word boundaries where it can.
    private List<string> Wrap(string cell)
    {
        var lines = new List<string>();
        foreach (var raw in (cell ?? string.Empty).Split('\n'))
        {
            var rest = raw.TrimEnd();
            while (rest.Length > _maxCellWidth)
            {
                var cut = rest.LastIndexOf(' ', _maxCellWidth);
                if (cut <= 0)
                {
                    cut = _maxCellWidth;
                }

                lines.Add(rest[..cut].TrimEnd());
                rest = rest[cut..].TrimStart();
            }

            lines.Add(rest);
        }

        return lines;
    }
}
