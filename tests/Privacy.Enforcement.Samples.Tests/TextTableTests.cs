using Privacy.Enforcement.Sample;

namespace Privacy.Enforcement.Samples.Tests;

public class TextTableTests
{
    [Fact]
    public void Cells_with_several_lines_and_long_text_stay_inside_their_column()
    {
        var table = new TextTable(10, "Step", "Outcome");
        table.AddRow("1.1", "Permit");
        table.AddRow("1.2", "Deny\nconsent-missing and more words");

        var lines = table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Select(l => l.Length).Distinct().Should().ContainSingle("every line of the table has the same width");
        lines.Should().Contain(l => l.Contains("| 1.2  | Deny       |", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("| consent-mi |", StringComparison.Ordinal), "a word longer than the cell is cut at its width");
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_refused()
    {
        var table = new TextTable(10, "Step", "Outcome");

        var act = () => table.AddRow("1.1");

        act.Should().Throw<ArgumentException>().WithMessage("Expected 2 cells, got 1.*");
    }
}
