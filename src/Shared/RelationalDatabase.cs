using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Privacy.Enforcement.Storage;

/// <summary>
/// What the relational stores need from a database provider: a ready connection (schema migrated, durability settings
/// applied), the provider's table names and its change-notification statement. The stores themselves are plain ADO.NET
/// with parameterised SQL, shared by the SQLite and PostgreSQL packages.
/// </summary>
internal abstract class RelationalDatabase : IDisposable
{
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    /// <param name="providerName">The provider's name for error messages.</param>
    /// <param name="tablePrefix">The validated schema prefix of every table.</param>
    /// <param name="notifySql">The statement announcing a subject's change to other instances, if the provider has one.</param>
    /// <param name="auditLockSql">A statement taking a transaction-scoped lock that serializes audit appends across
    /// processes, when the write transaction itself does not (SQLite's <c>BEGIN IMMEDIATE</c> does).</param>
    /// <param name="notifyEverythingSql">The statement announcing that every subject's state may have changed (an
    /// engagement of all subjects), required with <paramref name="notifySql"/>.</param>
    protected RelationalDatabase(string providerName, string tablePrefix, string? notifySql, string? auditLockSql = null, string? notifyEverythingSql = null)
    {
        ProviderName = providerName;
        Sql = new StoreSql(tablePrefix, notifySql, auditLockSql, notifyEverythingSql);
    }

    /// <summary>Gets the provider's name for error messages (SQLite, PostgreSQL).</summary>
    public string ProviderName { get; }

    /// <summary>Gets the statements of every store.</summary>
    public StoreSql Sql { get; }

    /// <summary>Opens a connection to a migrated database.</summary>
    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        }

        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks the server and migrates the schema once per instance; safe to call concurrently.</summary>
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

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the database owns.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _initGate.Dispose();
        }
    }

    /// <summary>Begins a transaction that writes; SQLite takes the database's write lock at once, so a read inside it is current.</summary>
    public virtual async ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Removes, where the provider can, what deleted rows leave behind on disk beyond the deleting transaction
    /// (<c>store.subject-delete</c>): SQLite truncates its write-ahead log. PostgreSQL cannot: its heap keeps a dead row
    /// until vacuum and its WAL, archives and backups keep it longer, which is why subject keys are wrapped under
    /// key-encryption key epochs that are retired.
    /// </summary>
    public virtual ValueTask ScrubDeletedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Opens a raw connection with the provider's session settings.</summary>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Checks the server's durability settings and applies the migrations under a lock.</summary>
    protected abstract ValueTask InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Runs a statement and returns the rows it changed; provider faults become <see cref="PrivacyStoreException"/>.</summary>
    public async ValueTask<int> ExecuteAsync(string sql, Action<DbCommand> bind, string operation, CancellationToken cancellationToken)
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
    public ValueTask<List<T>> ReadAllAsync<T>(string sql, Action<DbCommand> bind, string operation, CancellationToken cancellationToken) =>
        QueryAsync(sql, bind, static row => StoreJson.Deserialize<T>(row.GetString(0)), operation, cancellationToken);

    /// <summary>Reads every row into a list with <paramref name="read"/>; provider faults become <see cref="PrivacyStoreException"/>.</summary>
    public async ValueTask<List<T>> QueryAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read, string operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
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
    public IAsyncEnumerable<T> EnumerateAsync<T>(string sql, Action<DbCommand> bind, string operation, CancellationToken cancellationToken) =>
        EnumerateAsync(sql, bind, static row => StoreJson.Deserialize<T>(row.GetString(0)), operation, cancellationToken);

    /// <summary>Lists every row read with <paramref name="read"/>; the rows are read whole first, so no connection stays open while the caller iterates.</summary>
    public async IAsyncEnumerable<T> EnumerateAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read, string operation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = await QueryAsync(sql, bind, read, operation, cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    /// <summary>Reads the payload of the first row, or <see langword="null"/> when there is none.</summary>
    public async ValueTask<T?> ReadFirstAsync<T>(string sql, Action<DbCommand> bind, string operation, CancellationToken cancellationToken)
        where T : class
    {
        var items = await ReadAllAsync<T>(sql, bind, operation, cancellationToken).ConfigureAwait(false);
        return items.Count > 0 ? items[0] : null;
    }

    /// <summary>Whether an exception is a provider fault to translate (cancellation and argument errors are not).</summary>
    public static bool IsFault(Exception exception) =>
        exception is DbException or JsonException or IOException or TimeoutException
            or FormatException or InvalidCastException
            || (exception is InvalidOperationException && exception is not ObjectDisposedException);

    /// <summary>Builds the library's exception for a failed operation; the message names the operation, never the data.</summary>
    public PrivacyStoreException Fault(string operation, Exception inner) =>
        inner is PrivacyStoreException own ? own : new PrivacyStoreException($"The {ProviderName} store could not {operation}.", inner);
}

/// <summary>Adds parameters to ADO.NET commands.</summary>
internal static class DbCommandExtensions
{
    public static DbParameter AddParameter(this DbCommand command, string name, object? value = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public static DbCommand CreateCommand(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
