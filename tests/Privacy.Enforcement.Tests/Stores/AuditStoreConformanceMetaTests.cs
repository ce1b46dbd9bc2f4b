using System.Reflection;
using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tests.Stores;

/// <summary>
/// The audit store conformance suite fails a store that breaks the trail: run whole against each broken store of
/// <c>BrokenAuditStores.cs</c>, the tests that guard the broken rule fail; against a correct store every test passes.
/// </summary>
public class AuditStoreConformanceMetaTests
{
    [Fact]
    public async Task The_suite_passes_a_correct_store()
    {
        (await FailingTestsAsync(() => new InMemoryAuditSink())).Should().BeEmpty();
    }

    [Fact]
    public async Task The_suite_fails_a_store_that_writes_a_different_event_over_a_held_one()
    {
        (await FailingTestsAsync(() => new OverwritingAuditStore())).Should().Equal(
            nameof(AuditStoreConformanceTests.A_different_event_under_a_held_sequence_number_is_refused_and_never_written_over_it));
    }

    [Fact]
    public async Task The_suite_fails_a_store_that_drops_the_new_events_of_a_retried_batch()
    {
        (await FailingTestsAsync(() => new RetryDroppingAuditStore())).Should().Contain(
            nameof(AuditStoreConformanceTests.A_retried_batch_is_ignored_where_already_held_and_the_rest_is_appended));
    }

    /// <summary>Runs every test of the suite against fresh stores from <paramref name="create"/>; returns the names of those that failed.</summary>
    private static async Task<List<string>> FailingTestsAsync(Func<object> create)
    {
        var suite = new Suite(create);
        var failed = new List<string>();
        var tests = typeof(AuditStoreConformanceTests).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.IsDefined(typeof(StoreFactAttribute), inherit: true))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        tests.Should().HaveCountGreaterThan(5, "the suite's tests are found");
        foreach (var test in tests)
        {
            try
            {
                await (Task)test.Invoke(suite, null)!;
            }
            catch (Exception)
            {
                failed.Add(test.Name);
            }
        }

        return failed;
    }

    /// <summary>The suite over a store of the meta-test's choosing (not public: the test runner does not run it itself).</summary>
    private sealed class Suite(Func<object> create) : AuditStoreConformanceTests
    {
        protected override Task<(IAuditSink Sink, IAuditTrailReader Reader, ICheckpointSink Checkpoints)> CreateTrailAsync()
        {
            var store = create();
            return Task.FromResult(((IAuditSink)store, (IAuditTrailReader)store, (ICheckpointSink)store));
        }
    }
}
