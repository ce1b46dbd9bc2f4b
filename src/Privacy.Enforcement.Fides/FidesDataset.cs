using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Privacy.Enforcement.Storage;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Privacy.Enforcement.Fides;

/// <summary>
/// Reads a Fides dataset file (YAML: <c>dataset</c>, each with <c>fides_key</c> and <c>collections</c>, each with
/// <c>name</c> and <c>fields</c>, each field with <c>name</c>, <c>data_categories</c> and nested <c>fields</c>) as the
/// classification of a data source: one <see cref="ClassifiedField"/> per field and category. A nested field is named
/// by its path (<c>address.street</c>). Fides has no notion of the subject's data key, so no field is marked encrypted.
/// </summary>
public static partial class FidesDataset
{
    /// <summary>Reads the classified fields of a dataset file's text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="datasetKey">The <c>fides_key</c> of the dataset to read, or <see langword="null"/> for every dataset (then, when the file holds several, each container is <c>fides_key.collection</c>).</param>
    /// <returns>The classified fields, in the file's order.</returns>
    /// <exception cref="FidesDatasetException">The text is not a dataset file, or a category id is malformed; the message names the YAML path.</exception>
    public static IReadOnlyList<ClassifiedField> ReadFields(string yaml, string? datasetKey = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException exception)
        {
            throw new FidesDatasetException("$", $"is not YAML (line {exception.Start.Line}, column {exception.Start.Column})", exception);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FidesDatasetException("$", "must be one YAML document holding a mapping with a 'dataset' list");
        }

        var datasets = Sequence(root, "dataset", "$", required: true)!;
        var selected = datasets.Children.Select((node, i) => (Node: Mapping(node, $"$.dataset[{i}]"), Path: $"$.dataset[{i}]"))
            .Select(d => (d.Node, d.Path, Key: Scalar(d.Node, "fides_key", d.Path, required: true)!))
            .Where(d => datasetKey is null || d.Key == datasetKey)
            .ToList();
        if (datasetKey is not null && selected.Count == 0)
        {
            throw new FidesDatasetException("$.dataset", $"holds no dataset with fides_key '{datasetKey}'");
        }

        var qualify = datasetKey is null && selected.Count > 1;
        var fields = new List<ClassifiedField>();
        foreach (var (dataset, path, key) in selected)
        {
            var collections = Sequence(dataset, "collections", path, required: false);
            for (var c = 0; collections is not null && c < collections.Children.Count; c++)
            {
                var collectionPath = $"{path}.collections[{c}]";
                var collection = Mapping(collections.Children[c], collectionPath);
                var name = Scalar(collection, "name", collectionPath, required: true)!;
                ReadFieldList(collection, collectionPath, qualify ? $"{key}.{name}" : name, prefix: null, fields);
            }
        }

        return fields;
    }

    /// <summary>Reads the classified fields of a dataset file.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="datasetKey">The dataset to read, or <see langword="null"/> for every dataset.</param>
    /// <returns>The classified fields.</returns>
    /// <exception cref="FidesDatasetException">The file is not a dataset file; the message names the YAML path.</exception>
    public static IReadOnlyList<ClassifiedField> ReadFieldsFromFile(string path, string? datasetKey = null) =>
        ReadFields(File.ReadAllText(path), datasetKey);

    /// <summary>
    /// Gives a hand-written source the classification of a dataset file, for the data map. Every field's category must
    /// be one the source holds or lies within one (a source holding <c>user.contact</c> may classify a field as
    /// <c>user.contact.email</c>).
    /// </summary>
    /// <param name="source">The source.</param>
    /// <param name="fields">Its classified fields (<see cref="ReadFields"/>).</param>
    /// <returns>The source, classified; it reads, updates and erases through <paramref name="source"/>.</returns>
    /// <exception cref="ArgumentException">A field's category is not one the source holds.</exception>
    public static IClassifiedPersonalDataSource Classify(IPersonalDataSource source, IReadOnlyList<ClassifiedField> fields)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var field in fields)
        {
            if (!source.Categories.Any(held => field.Category.IsWithin(held)))
            {
                throw new ArgumentException($"The field {field.Container}.{field.Field} is classified as '{field.Category}', which source '{source.Name}' does not hold.", nameof(fields));
            }
        }

        return new ClassifiedSource(source, [.. fields]);
    }

    private static void ReadFieldList(YamlMappingNode owner, string ownerPath, string container, string? prefix, List<ClassifiedField> fields)
    {
        var list = Sequence(owner, "fields", ownerPath, required: false);
        for (var f = 0; list is not null && f < list.Children.Count; f++)
        {
            var path = $"{ownerPath}.fields[{f}]";
            var field = Mapping(list.Children[f], path);
            var name = Scalar(field, "name", path, required: true)!;
            var qualified = prefix is null ? name : $"{prefix}.{name}";
            var categories = Sequence(field, "data_categories", path, required: false);
            for (var i = 0; categories is not null && i < categories.Children.Count; i++)
            {
                var categoryPath = $"{path}.data_categories[{i}]";
                if (categories.Children[i] is not YamlScalarNode { Value: { } id })
                {
                    throw new FidesDatasetException(categoryPath, "must be a data category id");
                }

                if (!FidesKey().IsMatch(id) || !DataCategory.TryCreate(id, out var category))
                {
                    throw new FidesDatasetException(categoryPath, $"'{id}' is not a valid data category id (a dotted path such as user.contact.email)");
                }

                fields.Add(new ClassifiedField(container, qualified, category, Encrypted: false));
            }

            ReadFieldList(field, path, container, qualified, fields);
        }
    }

    // A fides key's parts: letters, digits, '_' and '-', joined by dots (user.contact.phone_number).
    [GeneratedRegex("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex FidesKey();

    private static YamlMappingNode Mapping(YamlNode node, string path) =>
        node as YamlMappingNode ?? throw new FidesDatasetException(path, "must be a mapping");

    private static YamlSequenceNode? Sequence(YamlMappingNode node, string key, string path, bool required)
    {
        if (!node.Children.TryGetValue(new YamlScalarNode(key), out var value) || value is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return required ? throw new FidesDatasetException($"{path}.{key}", "is required") : null;
        }

        return value as YamlSequenceNode ?? throw new FidesDatasetException($"{path}.{key}", "must be a list");
    }

    private static string? Scalar(YamlMappingNode node, string key, string path, bool required)
    {
        if (node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { Length: > 0 } text })
        {
            return text;
        }

        return required ? throw new FidesDatasetException($"{path}.{key}", "is required and must be a non-empty string") : null;
    }

    private sealed class ClassifiedSource(IPersonalDataSource inner, IReadOnlyList<ClassifiedField> fields) : IClassifiedPersonalDataSource
    {
        public string Name => inner.Name;

        public DataSourceOperator Operator => inner.Operator;

        public IReadOnlyList<DataCategory> Categories => inner.Categories;

        public IReadOnlyList<ClassifiedField> Fields => fields;

        public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken) =>
            inner.ReadAsync(subject, cancellationToken);

        public ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken) =>
            inner.UpdateAsync(subject, changes, cancellationToken);

        public ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken) =>
            inner.EraseAsync(subject, categories, cancellationToken);
    }
}

/// <summary>A Fides dataset file that cannot be read; <see cref="Path"/> names where (<c>$.dataset[0].collections[1].fields[2]</c>).</summary>
public sealed class FidesDatasetException : FormatException
{
    /// <summary>Initializes the exception.</summary>
    /// <param name="path">The YAML path of the problem.</param>
    /// <param name="problem">What is wrong there.</param>
    /// <param name="innerException">The parser's exception, if any.</param>
    public FidesDatasetException(string path, string problem, Exception? innerException = null)
        : base(string.Create(CultureInfo.InvariantCulture, $"Fides dataset {path} {problem}."), innerException)
    {
        Path = path;
    }

    /// <summary>Gets the YAML path of the problem.</summary>
    public string Path { get; }
}
