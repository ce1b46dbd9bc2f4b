using System.Collections.Concurrent;
using System.Text.Json;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Sample;

/// <summary>
/// Stands in for one of the host's own systems that hold personal data (a profile table, an order database). The
/// library reads, corrects and erases a subject's data through it for access, rectification and erasure requests.
/// </summary>
internal sealed class ProfileDataSource : IPersonalDataSource
{
    private readonly ConcurrentDictionary<SubjectId, Dictionary<DataCategory, JsonElement>> _rows = new();

    public ProfileDataSource(string name, params string[] categories)
    {
        Name = name;
        Categories = [.. categories.Select(c => new DataCategory(c))];
    }

    public string Name { get; }

    // store.location: the application's own servers.
    public DataSourceOperator Operator => DataSourceOperator.Application;

    public IReadOnlyList<DataCategory> Categories { get; }

    public void Put(SubjectId subject, DataCategory category, string value)
    {
        var row = _rows.GetOrAdd(subject, _ => []);
        lock (row)
        {
            row[category] = JsonSerializer.SerializeToElement(value);
        }
    }

    public string? Get(SubjectId subject, DataCategory category)
    {
        if (!_rows.TryGetValue(subject, out var row))
        {
            return null;
        }

        lock (row)
        {
            return row.TryGetValue(category, out var value) ? value.GetString() : null;
        }
    }

    public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        if (!_rows.TryGetValue(subject, out var row))
        {
            return ValueTask.FromResult<IReadOnlyDictionary<DataCategory, JsonElement>>(new Dictionary<DataCategory, JsonElement>());
        }

        lock (row)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<DataCategory, JsonElement>>(new Dictionary<DataCategory, JsonElement>(row));
        }
    }

    public ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken)
    {
        var row = _rows.GetOrAdd(subject, _ => []);
        lock (row)
        {
            foreach (var (category, value) in changes)
            {
                row[category] = value;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken)
    {
        var erased = new List<DataCategory>();
        if (_rows.TryGetValue(subject, out var row))
        {
            lock (row)
            {
                // A category covers the categories within it.
                foreach (var held in row.Keys.Where(h => categories.Any(h.IsWithin)).ToList())
                {
                    row.Remove(held);
                    erased.Add(held);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<DataCategory>>(erased);
    }
}
