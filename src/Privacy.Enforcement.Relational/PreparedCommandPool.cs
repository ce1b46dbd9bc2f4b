using System.Collections.Concurrent;
using System.Data.Common;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// One statement kept prepared on connections of its own, for a provider whose pooled connections drop a command's
/// prepared statements when they are closed (Microsoft.Data.Sqlite has no statement cache across commands): a statement
/// run on every cache miss is then compiled once per connection instead of on every run. Each connection runs one
/// command at a time; a caller that finds none idle opens another, and at most <see cref="MaxIdle"/> are kept.
/// A command that failed is closed, never reused. The database closes every kept connection when it is disposed.
/// </summary>
/// <param name="open">Opens a connection to the ready database (<see cref="RelationalDatabase.OpenAsync"/>).</param>
/// <param name="sql">The statement.</param>
internal sealed class PreparedCommandPool(Func<CancellationToken, ValueTask<DbConnection>> open, string sql) : IDisposable
{
    /// <summary>How many idle prepared connections are kept; one more caller than that opens and closes its own.</summary>
    public static readonly int MaxIdle = Math.Clamp(Environment.ProcessorCount, 4, 8);

    private readonly ConcurrentBag<Lease> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>
    /// Runs the statement with the parameters <paramref name="bind"/> sets, reading every row with <paramref name="read"/>.
    /// A reused command keeps its parameters, so <paramref name="bind"/> sets their values
    /// (<see cref="DbCommandExtensions.SetParameter"/>) rather than adding new ones.
    /// </summary>
    public async ValueTask<List<T>> QueryAsync<T>(Action<DbCommand> bind, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        if (TryTake() is { } kept)
        {
            try
            {
                return await QueryAsync(kept, bind, read, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A kept connection may have died while idle (the server restarted, a proxy or idle_session_timeout closed
                // it): the read is tried once more on a new connection, so an idle spell does not turn into a denial.
            }
        }

        return await QueryAsync(await OpenLeaseAsync(cancellationToken).ConfigureAwait(false), bind, read, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<List<T>> QueryAsync<T>(Lease lease, Action<DbCommand> bind, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var reusable = false;
        try
        {
            var command = lease.Command;
            bind(command);

            // Prepared once its parameters are bound: Npgsql rewrites named parameters only for those it is given.
            if (!lease.Prepared)
            {
                await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
                lease.Prepared = true;
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var items = new List<T>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    items.Add(read(reader));
                }

                reusable = true;
                return items;
            }
        }
        finally
        {
            if (reusable)
            {
                Return(lease);
            }
            else
            {
                await lease.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Closes every idle connection; one in use is closed when its caller is done.</summary>
    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private Lease? TryTake()
    {
        if (_idle.TryTake(out var lease))
        {
            Interlocked.Decrement(ref _idleCount);
            return lease;
        }

        return null;
    }

    private async ValueTask<Lease> OpenLeaseAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = await open(cancellationToken).ConfigureAwait(false);
        return new Lease(connection, connection.CreateCommand(sql));
    }

    private void Return(Lease lease)
    {
        if (!_disposed)
        {
            if (Interlocked.Increment(ref _idleCount) <= MaxIdle)
            {
                _idle.Add(lease);

                // Disposed meanwhile: what was just put back is closed too.
                if (_disposed)
                {
                    Drain();
                }

                return;
            }

            Interlocked.Decrement(ref _idleCount);
        }

        lease.Dispose();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var lease))
        {
            Interlocked.Decrement(ref _idleCount);
            lease.Dispose();
        }
    }

    /// <summary>A connection of the pool's own and the statement prepared on it.</summary>
    private sealed class Lease(DbConnection connection, DbCommand command) : IDisposable, IAsyncDisposable
    {
        public DbCommand Command { get; } = command;

        /// <summary>Gets or sets whether the command was prepared on the connection.</summary>
        public bool Prepared { get; set; }

        public void Dispose()
        {
            Command.Dispose();
            connection.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            await Command.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
