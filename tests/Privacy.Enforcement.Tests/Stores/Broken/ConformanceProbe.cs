using System.Reflection;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tests.Stores.Broken;

/// <summary>
/// Runs every test of a conformance suite against one store and reports which failed, so a meta-test can show that
/// the suite catches a deliberately broken store (and that every one of its tests can fail).
/// </summary>
internal static class ConformanceProbe
{
    /// <summary>The tests of <paramref name="suiteType"/> (its <see cref="StoreFactAttribute"/> methods).</summary>
    public static IReadOnlyList<string> Tests(Type suiteType) =>
        [.. suiteType.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttribute<StoreFactAttribute>() is not null).Select(m => m.Name).Order(StringComparer.Ordinal)];

    /// <summary>Runs each test of <paramref name="suite"/> once and returns the names of those that failed.</summary>
    public static async Task<IReadOnlySet<string>> FailingTestsAsync(object suite)
    {
        var failed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in Tests(suite.GetType()))
        {
            try
            {
                var result = suite.GetType().GetMethod(name)!.Invoke(suite, null);
                if (result is Task task)
                {
                    // A bounded real-time wait: a broken store may hang a test, which counts as a failure.
                    await task.WaitAsync(TimeSpan.FromSeconds(60));
                }
            }
            catch (Exception)
            {
                failed.Add(name);
            }
        }

        return failed;
    }
}
