using System.Collections.ObjectModel;

namespace Privacy.Enforcement;

/// <summary>
/// Copies the lists a request carries once, when it is made: the decision and its audit event then read the same
/// entries, whatever the caller's list does afterwards or however its indexer and enumerator disagree.
/// </summary>
internal static class RequestList
{
    /// <summary>Returns a read-only copy of <paramref name="items"/>, or <see langword="null"/> for <see langword="null"/>.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(items))]
    public static IReadOnlyList<T>? Copy<T>(IReadOnlyList<T>? items)
    {
        if (items is null)
        {
            return null;
        }

        // Enumerated exactly once: what the copy holds is what the caller's list yielded.
        var copy = new List<T>(Math.Clamp(items.Count, 0, 64));
        foreach (var item in items)
        {
            copy.Add(item);
        }

        return copy.Count == 0 ? ReadOnlyCollection<T>.Empty : new ReadOnlyCollection<T>(copy.ToArray());
    }
}
