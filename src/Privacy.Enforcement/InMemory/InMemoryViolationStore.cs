using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement.InMemory;

/// <summary>An in-process store of violations and sanctions.</summary>
internal sealed class InMemoryViolationStore : IViolationStore
{
    private readonly object _gate = new();
    private readonly Dictionary<ViolationId, Violation> _violations = [];
    private readonly List<Sanction> _sanctions = [];

    /// <inheritdoc />
    public ValueTask CreateAsync(Violation violation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(violation);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_violations.TryAdd(violation.Id, violation))
            {
                throw new PrivacyStoreException($"A violation with id {violation.Id} already exists.");
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<Violation?> FindAsync(ViolationId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_violations.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryUpdateAsync(Violation expected, Violation updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(updated);
        if (expected.Id != updated.Id)
        {
            throw new ArgumentException("The updated violation must keep the id of the expected one.", nameof(updated));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_violations.TryGetValue(expected.Id, out var current) || !current.Equals(expected))
            {
                return ValueTask.FromResult(false);
            }

            _violations[expected.Id] = updated;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Violation> GetByViolatorAsync(SubjectId violator, CancellationToken cancellationToken)
    {
        Violation[] copy;
        lock (_gate)
        {
            copy = [.. _violations.Values.Where(v => v.Violator == violator).OrderBy(v => v.ReportedAt)];
        }

        return InMemoryEnumerable.From(copy, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask AddSanctionAsync(Sanction sanction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sanction);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _sanctions.Add(sanction);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Sanction> GetSanctionsAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        Sanction[] copy;
        lock (_gate)
        {
            copy = [.. _sanctions.Where(s => s.Subject == subject)];
        }

        return InMemoryEnumerable.From(copy, cancellationToken);
    }
}
