using System.Collections.Concurrent;
using System.Text.Json;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.EntityFrameworkCore.Tests.DataSource;

/// <summary>The suite the generated source passes also holds a hand-written one (like the console sample's) to the same contract.</summary>
public sealed class HandWrittenDataSourceConformanceTests : PersonalDataSourceConformanceTests
{
    private readonly DictionarySource _source = new(careless: false);

    protected override Task<IPersonalDataSource> CreateSourceAsync() => Task.FromResult<IPersonalDataSource>(_source);

    protected override Task<IReadOnlyDictionary<DataCategory, JsonElement>> SeedAsync(IPersonalDataSource source, SubjectId subject) =>
        Task.FromResult(((DictionarySource)source).Seed(subject));
}

/// <summary>A source that erases only the exact categories asked for (ignoring those within them) must fail the suite.</summary>
public sealed class CarelessDataSourceFailsTheSuiteTests
{
    [Fact]
    public async Task The_suite_catches_a_source_that_does_not_erase_the_categories_within_a_category()
    {
        var suite = new CarelessSuite();

        var run = suite.Erasing_a_category_covers_the_categories_within_it;

        await run.Should().ThrowAsync<Exception>();
    }

    private sealed class CarelessSuite : PersonalDataSourceConformanceTests
    {
        protected override Task<IPersonalDataSource> CreateSourceAsync() => Task.FromResult<IPersonalDataSource>(new DictionarySource(careless: true));

        protected override Task<IReadOnlyDictionary<DataCategory, JsonElement>> SeedAsync(IPersonalDataSource source, SubjectId subject) =>
            Task.FromResult(((DictionarySource)source).Seed(subject));
    }
}

internal sealed class DictionarySource(bool careless) : IPersonalDataSource
{
    private readonly ConcurrentDictionary<SubjectId, ConcurrentDictionary<DataCategory, JsonElement>> _rows = new();

    public string Name => "profiles";

    public DataSourceOperator Operator => DataSourceOperator.Application;

    public IReadOnlyList<DataCategory> Categories { get; } = [new(StandardDataCategories.Contact), new(StandardDataCategories.Name)];

    public IReadOnlyDictionary<DataCategory, JsonElement> Seed(SubjectId subject)
    {
        var row = _rows.GetOrAdd(subject, _ => new());
        row[new(StandardDataCategories.Email)] = JsonSerializer.SerializeToElement("ann@example.test");
        row[new(StandardDataCategories.Name)] = JsonSerializer.SerializeToElement("Ann");
        return new Dictionary<DataCategory, JsonElement>(row);
    }

    public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<DataCategory, JsonElement>>(_rows.TryGetValue(subject, out var row) ? new Dictionary<DataCategory, JsonElement>(row) : []);

    public ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken)
    {
        var row = _rows.GetOrAdd(subject, _ => new());
        foreach (var (category, value) in changes)
        {
            row[category] = value;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken)
    {
        var erased = new List<DataCategory>();
        if (_rows.TryGetValue(subject, out var row))
        {
            foreach (var held in row.Keys.Where(h => careless ? categories.Contains(h) : categories.Any(h.IsWithin)).ToList())
            {
                row.TryRemove(held, out _);
                erased.Add(held);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<DataCategory>>(erased);
    }
}
