using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement.Storage;

/// <summary>Stores violations and sanctions.</summary>
public interface IViolationStore
{
    /// <summary>Stores a new violation; fails with <see cref="PrivacyStoreException"/> if the id exists.</summary>
    /// <param name="violation">The violation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    ValueTask CreateAsync(Violation violation, CancellationToken cancellationToken);

    /// <summary>Finds a violation.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The violation or <see langword="null"/>.</returns>
    ValueTask<Violation?> FindAsync(ViolationId id, CancellationToken cancellationToken);

    /// <summary>Replaces a violation if it is unchanged since <paramref name="expected"/> was read.</summary>
    /// <param name="expected">As read.</param>
    /// <param name="updated">The new state.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when replaced.</returns>
    ValueTask<bool> TryUpdateAsync(Violation expected, Violation updated, CancellationToken cancellationToken);

    /// <summary>Lists the violations committed by a user.</summary>
    /// <param name="violator">The user.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The violations.</returns>
    IAsyncEnumerable<Violation> GetByViolatorAsync(SubjectId violator, CancellationToken cancellationToken);

    /// <summary>Stores a sanction.</summary>
    /// <param name="sanction">The sanction.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    ValueTask AddSanctionAsync(Sanction sanction, CancellationToken cancellationToken);

    /// <summary>Lists the sanctions imposed on a user.</summary>
    /// <param name="subject">The user.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The sanctions.</returns>
    IAsyncEnumerable<Sanction> GetSanctionsAsync(SubjectId subject, CancellationToken cancellationToken);
}
