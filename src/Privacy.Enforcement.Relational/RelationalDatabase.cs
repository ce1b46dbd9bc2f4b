using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// One database the relational stores run on. A provider package derives from it to say how a connection is opened
/// (<see cref="OpenConnectionAsync"/>: the provider's session settings) and how the database is made ready
/// (<see cref="InitializeAsync"/>: the server's durability checked, the schema migrated by a
/// <see cref="MigrationRunner"/> under a lock); the base opens no connection for a store before that has succeeded
/// once, and translates provider faults through the <see cref="Dialect"/>. The stores themselves are plain ADO.NET
/// with parameterised SQL, written once for every provider.
/// </summary>
public abstract class RelationalDatabase : IDisposable
{
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private readonly ConcurrentDictionary<string, PreparedCommandPool> _prepared = new(StringComparer.Ordinal);
    private volatile bool _initialized;

    /// <summary>Initializes the database.</summary>
    /// <param name="dialect">The provider's dialect.</param>
    protected RelationalDatabase(RelationalDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        Dialect = dialect;
        Sql = new StoreSql(dialect);
    }

    /// <summary>Gets the provider's dialect.</summary>
    public RelationalDialect Dialect { get; }

    /// <summary>Gets the provider's name for error messages (SQLite, PostgreSQL).</summary>
    public string ProviderName => Dialect.ProviderName;

    /// <summary>Gets the statements of every store.</summary>
    internal StoreSql Sql { get; }

    /// <summary>Opens a connection to a ready database, making it ready first if this instance has not yet.</summary>
    /// <param name="cancellationToken">The token to cancel the work.</param>
    /// <returns>An open connection the caller disposes.</returns>
    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        }

        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks the server and migrates the schema once per instance (<see cref="InitializeAsync"/>); safe to call
    /// concurrently. A failure is thrown as a <see cref="PrivacyStoreException"/> and the next call tries again.
    /// </summary>
    /// <param name="cancellationToken">The token to cancel the work.</param>
    /// <returns>A task that completes when the database is ready.</returns>
    public async ValueTask EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                try
                {
                    await InitializeAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsFault(ex))
                {
                    throw Fault("migrate its schema", ex);
                }

                _initialized = true;
            }
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the database owns.</summary>
    /// <param name="disposing">Whether the call comes from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var pool in _prepared.Values)
            {
                pool.Dispose();
            }

            _initGate.Dispose();
        }
    }

    /// <summary>
    /// Begins a transaction that writes. The default is the provider's default transaction; SQLite overrides it to take
    /// the database's write lock at once, so a read inside it is current.
    /// </summary>
    /// <param name="connection">An open connection from <see cref="OpenAsync"/>.</param>
    /// <param name="cancellationToken">The token to cancel the work.</param>
    /// <returns>The transaction.</returns>
    public virtual async ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Begins a write transaction for data the store can rebuild from what it already holds durably (the audit query
    /// index): the provider may commit it without waiting for the disk, as long as a crash loses it whole. The default is
    /// <see cref="BeginWriteTransactionAsync"/>; call <see cref="EndRebuildableWriteAsync"/> after it, committed or not.
    /// </summary>
    internal virtual ValueTask<DbTransaction> BeginRebuildableWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        BeginWriteTransactionAsync(connection, cancellationToken);

    /// <summary>Restores the connection's durability settings after <see cref="BeginRebuildableWriteAsync"/>'s transaction ended.</summary>
    internal virtual ValueTask EndRebuildableWriteAsync(DbConnection connection) => ValueTask.CompletedTask;

    /// <summary>
    /// Removes, where the provider can, what deleted rows leave behind on disk beyond the deleting transaction
    /// (<c>store.subject-delete</c>): SQLite truncates its write-ahead log. PostgreSQL cannot: its heap keeps a dead row
    /// until vacuum and its WAL, archives and backups keep it longer, which is why subject keys are wrapped under
    /// key-encryption key epochs that are retired.
    /// </summary>
    /// <param name="cancellationToken">The token to cancel the work.</param>
    /// <returns>A task that completes when the scrub is done.</returns>
    public virtual ValueTask ScrubDeletedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Opens a raw connection with the provider's session settings (no readiness check).</summary>
    /// <param name="cancellationToken">The token to cancel the work.</param>
    /// <returns>An open connection the caller disposes.</returns>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes the database ready, once per instance: checks the server's durability settings and applies the migrations
    /// with a <see cref="MigrationRunner"/> in one transaction under a lock every process takes.
    /// </summary>
    /// <param name="cancellationToken">The token to cancel the work.</param>
    /// <returns>A task that completes when the database is ready.</returns>
    protected abstract ValueTask InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Runs a statement and returns the rows it changed; provider faults become <see cref="PrivacyStoreException"/>.</summary>
    internal async ValueTask<int> ExecuteAsync(string sql, Action<DbCommand> bind, string operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand(sql);
                bind(command);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsFault(ex))
        {
            throw Fault(operation, ex);
        }
    }

    /// <summary>Reads the JSON payload in the first column of every row into a list.</summary>
    internal ValueTask<List<T>> ReadAllAsync<T>(string sql, Action<DbCommand> bind, string operation, CancellationToken cancellationToken) =>
        QueryAsync(sql, bind, static row => StoreJson.Deserialize<T>(row.GetString(0)), operation, cancellationToken);

    /// <summary>Reads every row into a list with <paramref name="read"/>; provider faults become <see cref="PrivacyStoreException"/>.</summary>
    internal ValueTask<List<T>> QueryAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read, string operation, CancellationToken cancellationToken) =>
        QueryAsync(sql, bind, read, operation, prepare: false, cancellationToken);

    /// <summary>
    /// Reads every row into a list with <paramref name="read"/>. A statement run on every cache miss is kept prepared
    /// when asked (<paramref name="prepare"/>), on connections of the database's own (<see cref="PreparedCommandPool"/>):
    /// it is then compiled once per connection, not on every run, and a reused connection is not reset first
    /// (Microsoft.Data.Sqlite finalizes a command's statements when its pooled connection closes; Npgsql keeps them, but
    /// resets the session with seven statements before a pooled connection is used again).
    /// </summary>
    internal async ValueTask<List<T>> QueryAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read, string operation, bool prepare, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            if (prepare)
            {
                return await _prepared.GetOrAdd(sql, static (text, database) => new PreparedCommandPool(database.OpenAsync, text), this)
                    .QueryAsync(bind, read, cancellationToken).ConfigureAwait(false);
            }

            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand(sql);
                bind(command);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var items = new List<T>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        items.Add(read(reader));
                    }

                    return items;
                }
            }
        }
        catch (Exception ex) when (IsFault(ex))
        {
            throw Fault(operation, ex);
        }
    }

    /// <summary>Lists the payloads of every row.</summary>
    internal IAsyncEnumerable<T> EnumerateAsync<T>(string sql, Action<DbCommand> bind, string operation, CancellationToken cancellationToken) =>
        EnumerateAsync(sql, bind, static row => StoreJson.Deserialize<T>(row.GetString(0)), operation, cancellationToken);

    /// <summary>Lists every row read with <paramref name="read"/>; the rows are read whole first, so no connection stays open while the caller iterates.</summary>
    internal async IAsyncEnumerable<T> EnumerateAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read, string operation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = await QueryAsync(sql, bind, read, operation, cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    /// <summary>Reads the payload of the first row, or <see langword="null"/> when there is none.</summary>
    internal async ValueTask<T?> ReadFirstAsync<T>(string sql, Action<DbCommand> bind, string operation, CancellationToken cancellationToken)
        where T : class
    {
        var items = await ReadAllAsync<T>(sql, bind, operation, cancellationToken).ConfigureAwait(false);
        return items.Count > 0 ? items[0] : null;
    }

    /// <summary>
    /// Announces a change of the subject to the other instances through the dialect's
    /// <see cref="RelationalDialect.NotifySql"/>; does nothing when the dialect has none.
    /// </summary>
    /// <param name="subject">The subject whose state changed.</param>
    /// <param name="cancellationToken">The token to cancel the work.</param>
    /// <returns>A task that completes when the announcement is sent.</returns>
    /// <exception cref="ArgumentException"><paramref name="subject"/> is the default <see cref="SubjectId"/>.</exception>
    public async ValueTask PublishChangeAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        RelationalAcceptanceStore.RequireSubject(subject, "SubjectId", nameof(subject));
        if (Sql.HasNotify)
        {
            await ExecuteAsync(Sql.Notify, c => c.AddParameter("@subject", subject.Value), "publish a change", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether an exception is a provider fault to translate (the dialect decides).</summary>
    internal bool IsFault(Exception exception) => Dialect.IsFault(exception);

    /// <summary>Builds the library's exception for a failed operation; the message names the operation, never the data.</summary>
    internal PrivacyStoreException Fault(string operation, Exception inner) => Dialect.TranslateFault(operation, inner);
}

/// <summary>Builds ADO.NET commands the way the relational stores do; for provider packages deriving from <see cref="RelationalDatabase"/>.</summary>
internal static class DbCommandExtensions
{
    /// <summary>Adds a named parameter; <see langword="null"/> is bound as <see cref="DBNull"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="name">The parameter's name, for example <c>@subject</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>The parameter, for a caller that rebinds it row by row.</returns>
    public static DbParameter AddParameter(this DbCommand command, string name, object? value = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Sets the value of a named parameter, adding it when the command has none of that name (a reused, prepared command keeps its parameters).</summary>
    /// <param name="command">The command.</param>
    /// <param name="name">The parameter's name, for example <c>@subject</c>.</param>
    /// <param name="value">The value; <see langword="null"/> is bound as <see cref="DBNull"/>.</param>
    public static void SetParameter(this DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (DbParameter parameter in command.Parameters)
        {
            if (string.Equals(parameter.ParameterName, name, StringComparison.Ordinal))
            {
                parameter.Value = value ?? DBNull.Value;
                return;
            }
        }

        command.AddParameter(name, value);
    }

    /// <summary>Creates a command with the given text, enlisted in <paramref name="transaction"/> when there is one.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="sql">The statement.</param>
    /// <param name="transaction">The transaction, if any.</param>
    /// <returns>The command the caller disposes.</returns>
    public static DbCommand CreateCommand(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
