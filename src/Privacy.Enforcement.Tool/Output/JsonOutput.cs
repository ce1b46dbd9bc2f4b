using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Privacy.Enforcement.Tool.Output;

/// <summary>The <c>--json</c> output: one indented JSON document on standard output.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter writer, JsonNode node) => writer.WriteLine(node.ToJsonString(Options));

    public static JsonArray Array(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode?)JsonValue.Create(i))]);
}
