using System.Collections.Concurrent;
using System.Text.Json;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.AspNetCore.Tests.TestHost;

/// <summary>The test shop's accounts: each subject's e-mail address, which the privacy endpoints read, correct and erase.</summary>
public sealed class AccountsSource : IPersonalDataSource
{
    private readonly ConcurrentDictionary<string, string> _emails = new(StringComparer.Ordinal);

    public string Name => "accounts";

    public DataSourceOperator Operator => DataSourceOperator.Application;

    public IReadOnlyList<DataCategory> Categories { get; } = [new(StandardDataCategories.Email)];

    public string? EmailOf(string subject) => _emails.TryGetValue(subject, out var email) ? email : null;

    public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<DataCategory, JsonElement>>(_emails.TryGetValue(subject.Value, out var email)
            ? new Dictionary<DataCategory, JsonElement> { [Categories[0]] = JsonSerializer.SerializeToElement(email) }
            : new Dictionary<DataCategory, JsonElement>());

    public ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken)
    {
        if (changes.TryGetValue(Categories[0], out var email))
        {
            _emails[subject.Value] = email.GetString()!;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken)
    {
        _emails.TryRemove(subject.Value, out _);
        return ValueTask.FromResult<IReadOnlyList<DataCategory>>(categories);
    }
}
