using System.Data.Common;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Privacy.Enforcement.Benchmarks.Throughput;

/// <summary>
/// One subject's disclosure ledger (what the export lists: <see cref="DisclosureLedger"/>, read through the library's
/// audit query) in a generated trail of <see cref="Events"/> events (<see cref="AtSizeTrail"/>, 100 events per subject,
/// spread over the whole trail; the subjects measured disclose in every one), against a raw indexed read of the same rows in the same run: one prepared statement
/// on a pooled connection, the subject's decisions through the index on <c>(subject_pseudonym, kind, sequence)</c>
/// joined to their events, every payload read. Subjects are taken in turn from a fixed list, the same for both.
/// Target: the ledger at most 2x the raw read, at 100,000 and at 10 million events.
/// </summary>
[Config(typeof(Decisions.DecisionBenchmarkConfig))]
[MemoryDiagnoser]
public class AuditLedgerBenchmarks
{
    private const int Subjects = 64;

    private string[] _pseudonyms = [];
    private ServiceProvider _library = null!;
    private DisclosureLedger _ledger = null!;
    private IAuditTrailReader _reader = null!;
    private DbConnection _raw = null!;
    private DbCommand _rawRead = null!;
    private DbParameter _rawSubject = null!;
    private int _nextRaw;
    private int _nextLedger;
    private int _nextQuery;

    [Params(BenchmarkStores.Sqlite, BenchmarkStores.PostgreSql)]
    public string Store { get; set; } = BenchmarkStores.Sqlite;

    [Params(100_000L, 10_000_000L)]
    public long Events { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _rawRead.Dispose();
        _raw.Dispose();
        BenchmarkStores.StopAsync(_library).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "raw indexed read of the subject's decisions")]
    public async Task<int> Raw()
    {
        _rawSubject.Value = _pseudonyms[_nextRaw++ % _pseudonyms.Length];
        var rows = 0;
        await using var reader = await _rawRead.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            rows += reader.GetString(0).Length > 0 ? 1 : 0;
        }

        return rows;
    }

    [Benchmark(Description = "library, disclosure ledger (export)")]
    public async Task<int> Ledger() => (await _ledger.ReadAsync(_pseudonyms[_nextLedger++ % _pseudonyms.Length], CancellationToken.None).ConfigureAwait(false)).Count;

    [Benchmark(Description = "library, audit query (subject, decisions)")]
    public async Task<int> Query()
    {
        var query = new AuditQuery { SubjectPseudonym = _pseudonyms[_nextQuery++ % _pseudonyms.Length], Kind = AuditEventKind.Decision };
        var rows = 0;
        await foreach (var _ in _reader.QueryAsync(query, CancellationToken.None).ConfigureAwait(false))
        {
            rows++;
        }

        return rows;
    }

    private async Task SetupAsync()
    {
        string table;
        if (Store == BenchmarkStores.Sqlite)
        {
            var path = await AtSizeTrail.SqliteAsync(Events, Console.Out);
            _library = BenchmarkStores.BuildOn(Store, path, string.Empty, 0, 0, static _ => { }).Provider;
            _raw = new SqliteConnection("Data Source=" + path);
            table = string.Empty;
        }
        else
        {
            var (server, schema) = await AtSizeTrail.PostgresAsync(Events, Console.Out);
            _library = BenchmarkStores.BuildOn(Store, schema, server, 0, 0, static _ => { }).Provider;
            _raw = new NpgsqlConnection(server);
            table = $"\"{schema}\".";
        }

        // Subjects with a ledger: the first ones seen disclosing at the start of the trail.
        await _raw.OpenAsync();
        using (var pick = _raw.CreateCommand())
        {
            pick.CommandText = $"SELECT subject_pseudonym FROM {table}pe_audit_index WHERE sequence <= 100000 AND kind = 'Decision' AND recipient IS NOT NULL ORDER BY sequence";
            var found = new List<string>();
            await using var rows = await pick.ExecuteReaderAsync();
            while (found.Count < Subjects && await rows.ReadAsync())
            {
                if (!found.Contains(rows.GetString(0)))
                {
                    found.Add(rows.GetString(0));
                }
            }

            _pseudonyms = [.. found];
        }

        _reader = _library.GetRequiredService<IAuditTrailReader>();
        _ledger = new DisclosureLedger(_reader);
        _rawRead = _raw.CreateCommand();
        _rawRead.CommandText = $"SELECT e.payload FROM {table}pe_audit_index i JOIN {table}pe_audit_events e ON e.sequence = i.sequence WHERE i.subject_pseudonym = @subject AND i.kind = 'Decision' ORDER BY i.sequence";
        _rawSubject = _rawRead.CreateParameter();
        _rawSubject.ParameterName = "@subject";
        _rawSubject.Value = _pseudonyms[0];
        _rawRead.Parameters.Add(_rawSubject);
        await _rawRead.PrepareAsync();
        if (await Raw() == 0 || (await _ledger.ReadAsync(_pseudonyms[0], CancellationToken.None)).Count == 0)
        {
            throw new InvalidOperationException("The generated subject must have a ledger.");
        }

        (_nextRaw, _nextLedger, _nextQuery) = (0, 0, 0);
    }
}
