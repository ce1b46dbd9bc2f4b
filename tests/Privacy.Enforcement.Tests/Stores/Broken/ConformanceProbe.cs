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

    /// <summary>
    /// Asserts that every broken store makes at least the tests named for it fail, and that every test of the suite
    /// is named for some broken store (so none of them passes whatever the store does).
    /// </summary>
    public static async Task EachBrokenStoreIsCaughtAsync(Type suiteType, IReadOnlyDictionary<string, (Func<object> Suite, string[] MustFail)> broken)
    {
        var missed = new List<string>();
        foreach (var (store, (suite, mustFail)) in broken)
        {
            var failing = await FailingTestsAsync(suite());
            missed.AddRange(mustFail.Where(t => !failing.Contains(t)).Select(t => $"{t} passed for {store}"));
        }

        missed.Should().BeEmpty();
        var named = broken.Values.SelectMany(b => b.MustFail).ToHashSet(StringComparer.Ordinal);
        Tests(suiteType).Where(t => !named.Contains(t)).Should().BeEmpty("every test of {0} must fail for some broken store", suiteType.Name);
    }
}
