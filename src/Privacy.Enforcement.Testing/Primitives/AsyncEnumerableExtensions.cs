namespace Privacy.Enforcement.Testing;

/// <summary>Collects asynchronous sequences in tests.</summary>
internal static class AsyncEnumerableExtensions
{
    /// <summary>Reads the whole sequence.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="source">The sequence.</param>
    /// <returns>The items, in order.</returns>
    public static async Task<List<T>> CollectAsync<T>(this IAsyncEnumerable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var items = new List<T>();
        await foreach (var item in source.ConfigureAwait(false))
        {
            items.Add(item);
        }

        return items;
    }
}
