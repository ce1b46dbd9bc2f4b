using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Privacy.Enforcement.Tests.SubjectRights;

/// <summary>A host system holding personal data in memory; can be switched to fail.</summary>
internal sealed class TestPersonalDataSource : IPersonalDataSource
{
    private readonly Dictionary<SubjectId, Dictionary<DataCategory, JsonElement>> _data = [];

    public TestPersonalDataSource(string name, DataSourceOperator @operator, params string[] categories)
    {
        Name = name;
        Operator = @operator;
        Categories = [.. categories.Select(c => new DataCategory(c))];
    }

    public string Name { get; }

    public DataSourceOperator Operator { get; }

    public IReadOnlyList<DataCategory> Categories { get; }

    /// <summary>Gets or sets a value indicating whether every call fails (with a message that carries personal data).</summary>
    public bool Failing { get; set; }

    public int EraseCalls { get; private set; }

    public void Put(SubjectId subject, string category, object value)
    {
        if (!_data.TryGetValue(subject, out var fields))
        {
            _data[subject] = fields = [];
        }

        fields[new DataCategory(category)] = JsonSerializer.SerializeToElement(value);
    }

    public IReadOnlyDictionary<DataCategory, JsonElement> Get(SubjectId subject) =>
        _data.TryGetValue(subject, out var fields) ? fields : new Dictionary<DataCategory, JsonElement>();

    public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        ThrowIfFailing(subject);
        return ValueTask.FromResult<IReadOnlyDictionary<DataCategory, JsonElement>>(new Dictionary<DataCategory, JsonElement>(Get(subject)));
    }

    public ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken)
    {
        ThrowIfFailing(subject);
        foreach (var (category, value) in changes)
        {
            Put(subject, category.Value, value);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken)
    {
        EraseCalls++;
        ThrowIfFailing(subject);
        var erased = new List<DataCategory>();
        if (_data.TryGetValue(subject, out var fields))
        {
            foreach (var key in fields.Keys.Where(k => categories.Any(c => k.IsWithin(c))).ToList())
            {
                fields.Remove(key);
                erased.Add(key);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<DataCategory>>(erased);
    }

    private void ThrowIfFailing(SubjectId subject)
    {
        if (Failing)
        {
            throw new IOException($"connection reset while handling {subject.Value}");
        }
    }
}

/// <summary>An audit trail that keeps events in order, as the pipeline would (sequence numbers only).</summary>
internal sealed class RecordingAuditTrail : IAuditTrail, IAuditTrailReader
{
    private readonly List<AuditEvent> _events = [];

    public IReadOnlyList<AuditEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        lock (_events)
        {
            _events.Add(auditEvent with { Sequence = _events.Count + 1 });
        }

        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var e in Events)
        {
            if (e.Sequence >= fromSequence)
            {
                yield return e;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Events is [.., var last] ? last : null);
}

internal sealed class RecordingStateCache : ISubjectStateCache
{
    public List<SubjectId> Invalidated { get; } = [];

    public void Invalidate(SubjectId subject) => Invalidated.Add(subject);

    public void InvalidateAll()
    {
    }
}
