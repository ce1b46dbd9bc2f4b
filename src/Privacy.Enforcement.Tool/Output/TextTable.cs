using System.Text;

namespace Privacy.Enforcement.Tool.Output;

/// <summary>A table of plain text, each column as wide as its widest cell (colour codes are not counted).</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public void Add(params string[] cells) => _rows.Add(cells);

    public void WriteTo(TextWriter writer, Terminal? terminal = null)
    {
        var widths = new int[headers.Length];
        foreach (var row in _rows.Prepend(headers))
        {
            for (var i = 0; i < widths.Length && i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], VisibleLength(row[i]));
            }
        }

        Write(writer, headers.Select(h => terminal?.Bold(h) ?? h).ToArray(), widths);
        Write(writer, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in _rows)
        {
            Write(writer, row, widths);
        }
    }

    private static void Write(TextWriter writer, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : string.Empty;
            line.Append(cell);
            if (i < widths.Length - 1)
            {
                line.Append(' ', widths[i] - VisibleLength(cell) + 2);
            }
        }

        writer.WriteLine(line.ToString().TrimEnd());
    }

    private static int VisibleLength(string text)
    {
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\u001b')
            {
                while (i < text.Length && text[i] != 'm')
                {
                    i++;
                }

                continue;
            }

            length++;
        }

        return length;
    }
}
