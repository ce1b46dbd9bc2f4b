using System.Globalization;
using System.Xml.Linq;

namespace Privacy.Enforcement.Tool.Testing;

/// <summary>The results as JUnit XML: one testsuite per suite file, one testcase per case, a failure per failing case.</summary>
internal static class JUnitReport
{
    public static XDocument Create(IReadOnlyList<CaseResult> results)
    {
        var suites = new XElement("testsuites",
            new XAttribute("name", "privacy policy test"),
            new XAttribute("tests", results.Count),
            new XAttribute("failures", results.Count(r => !r.Passed)));
        foreach (var group in results.GroupBy(r => r.Suite))
        {
            suites.Add(new XElement("testsuite",
                new XAttribute("name", group.Key.Name),
                new XAttribute("file", group.Key.File),
                new XAttribute("tests", group.Count()),
                new XAttribute("failures", group.Count(r => !r.Passed)),
                group.Select(result => new XElement("testcase",
                    new XAttribute("classname", group.Key.Name),
                    new XAttribute("name", result.Case.Name),
                    new XAttribute("file", group.Key.File),
                    new XAttribute("line", result.Case.Line.ToString(CultureInfo.InvariantCulture)),
                    result.Passed ? null : new XElement("failure",
                        new XAttribute("message", string.Join("; ", result.Mismatches.Select(m => $"{m.Field}: expected {m.Expected}, got {m.Actual}"))),
                        new XAttribute("type", "DecisionMismatch"),
                        $"{result.Case.Path}{Environment.NewLine}decision: {result.Decision}")))));
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), suites);
    }

    /// <summary>The document with its XML declaration, as CI servers expect.</summary>
    public static string ToText(XDocument document) => $"{document.Declaration}{Environment.NewLine}{document.Root}";
}
