using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Privacy.Enforcement.Benchmarks.Throughput;

/// <summary>
/// The raw baseline of the durable benchmarks: callers append one row each and wait for its commit; one writer takes
/// everything pending, gives each row its sequence number and chained SHA-256, and commits them in one transaction
/// into a table of sequence (the primary key, its only index), hash, subject and payload; with a subject index, the
/// table also has one narrow index on <c>(subject, sequence)</c>, to show what one index on the append path costs.
/// SQLite: WAL, <c>synchronous=FULL</c>, one prepared insert reused inside the transaction. PostgreSQL: one binary
/// <c>COPY</c> per commit, <c>synchronous_commit=on</c>.
/// </summary>
internal abstract class RawGroupCommit : IAsyncDisposable
{
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Pending> _batch = [];
    private readonly byte[] _hashInput = new byte[64 + 4096];
    private Task? _writer;
    private long _sequence;
    private byte[] _head = new byte[32];

    public long Commits { get; private set; }

    private bool _subjectIndex;

    public static RawGroupCommit Create(string store, string name, bool subjectIndex = false)
    {
        RawGroupCommit raw = store == BenchmarkStores.Sqlite ? new SqliteGroupCommit(BenchmarkStores.NewSqliteFile(name)) : new PostgresGroupCommit(BenchmarkStores.PostgresConnectionString, BenchmarkStores.NewSchema(name));
        raw._subjectIndex = subjectIndex;
        return raw;
    }

    /// <summary>The table's DDL: sequence, hash, subject, payload; and the subject index when asked.</summary>
    protected string TableSql(string table, string integer) =>
        $"CREATE TABLE {table} (sequence {integer} PRIMARY KEY, hash text NOT NULL, subject text NOT NULL, payload text NOT NULL);"
        + (_subjectIndex ? $" CREATE INDEX ix_raw_subject ON {table} (subject, sequence);" : string.Empty);

    public async Task StartAsync()
    {
        await OpenAsync();
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Appends one row and returns when it is committed.</summary>
    public Task AppendAsync(string payload, string subject = "")
    {
        var pending = new Pending(payload, subject);
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The raw writer is stopped.");
        }

        return pending.Done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer;
        }

        await CloseAsync();
    }

    protected abstract Task OpenAsync();

    protected abstract Task CommitAsync(IReadOnlyList<Row> rows);

    protected abstract ValueTask CloseAsync();

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        var rows = new List<Row>();
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var pending))
            {
                _batch.Add(pending);
            }

            rows.Clear();
            foreach (var pending in _batch)
            {
                rows.Add(new Row(++_sequence, Seal(pending.Payload), pending.Subject, pending.Payload));
            }

            try
            {
                await CommitAsync(rows);
                Commits++;
                foreach (var pending in _batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in _batch)
                {
                    pending.Done.TrySetException(ex);
                }
            }

            _batch.Clear();
        }
    }

    private string Seal(string payload)
    {
        _head.CopyTo(_hashInput, 0);
        var length = Encoding.UTF8.GetBytes(payload, _hashInput.AsSpan(32));
        _head = SHA256.HashData(_hashInput.AsSpan(0, 32 + length));
        return Convert.ToHexStringLower(_head);
    }

    internal readonly record struct Row(long Sequence, string Hash, string Subject, string Payload);

    private sealed class Pending(string payload, string subject)
    {
        public string Payload { get; } = payload;

        public string Subject { get; } = subject;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class SqliteGroupCommit(string path) : RawGroupCommit
    {
        private SqliteConnection _connection = null!;
        private SqliteCommand _insert = null!;
        private SqliteParameter _seq = null!;
        private SqliteParameter _hash = null!;
        private SqliteParameter _subject = null!;
        private SqliteParameter _payload = null!;

        protected override async Task OpenAsync()
        {
            _connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
            await _connection.OpenAsync();
            await using (var setup = new SqliteCommand("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; " + TableSql("raw_audit", "INTEGER"), _connection))
            {
                await setup.ExecuteNonQueryAsync();
            }

            _insert = new SqliteCommand("INSERT INTO raw_audit (sequence, hash, subject, payload) VALUES (@s, @h, @u, @p)", _connection);
            _seq = _insert.Parameters.Add("@s", SqliteType.Integer);
            _hash = _insert.Parameters.Add("@h", SqliteType.Text);
            _subject = _insert.Parameters.Add("@u", SqliteType.Text);
            _payload = _insert.Parameters.Add("@p", SqliteType.Text);
        }

        protected override async Task CommitAsync(IReadOnlyList<Row> rows)
        {
            await using var transaction = _connection.BeginTransaction();
            _insert.Transaction = transaction;
            foreach (var row in rows)
            {
                _seq.Value = row.Sequence;
                _hash.Value = row.Hash;
                _subject.Value = row.Subject;
                _payload.Value = row.Payload;
                await _insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        protected override async ValueTask CloseAsync()
        {
            await _insert.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }

    private sealed class PostgresGroupCommit(string connectionString, string schema) : RawGroupCommit
    {
        private NpgsqlConnection _connection = null!;

        protected override async Task OpenAsync()
        {
            _connection = new NpgsqlConnection(connectionString);
            await _connection.OpenAsync();
            await using var setup = new NpgsqlCommand($"SET synchronous_commit = on; CREATE SCHEMA \"{schema}\"; " + TableSql($"\"{schema}\".raw_audit", "bigint"), _connection);
            await setup.ExecuteNonQueryAsync();
        }

        protected override async Task CommitAsync(IReadOnlyList<Row> rows)
        {
            await using var transaction = await _connection.BeginTransactionAsync();
            await using (var import = await _connection.BeginBinaryImportAsync($"COPY \"{schema}\".raw_audit (sequence, hash, subject, payload) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var row in rows)
                {
                    await import.StartRowAsync();
                    await import.WriteAsync(row.Sequence, NpgsqlDbType.Bigint);
                    await import.WriteAsync(row.Hash, NpgsqlDbType.Text);
                    await import.WriteAsync(row.Subject, NpgsqlDbType.Text);
                    await import.WriteAsync(row.Payload, NpgsqlDbType.Text);
                }

                await import.CompleteAsync();
            }

            await transaction.CommitAsync();
        }

        protected override ValueTask CloseAsync() => _connection.DisposeAsync();
    }
}
