using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Npgsql;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.PostgreSql;

/// <summary>
/// Announces subject changes between instances with LISTEN/NOTIFY. The stores notify inside the writing transaction,
/// so a change is announced exactly when it commits. Each listener holds one dedicated connection and reconnects after
/// a failure; since notifications sent while it was away are lost, it then yields an empty <see cref="SubjectId"/>:
/// "anything may have changed, drop every cached state".
/// </summary>
internal sealed class PostgreSqlChangeFeed(PostgreSqlDatabase database) : IPrivacyChangeFeed
{
    /// <summary>How long a listener waits before reconnecting after a failure.</summary>
    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(500);

    public async ValueTask PublishAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        RelationalAcceptanceStore.RequireSubject(subject, "SubjectId", nameof(subject));
        await database.ExecuteAsync(database.Sql.Notify, c => c.AddParameter("@subject", subject.Value), "publish a change", cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<SubjectId> ListenAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var changes = Channel.CreateUnbounded<SubjectId>(new UnboundedChannelOptions { SingleReader = true });
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(() => PumpAsync(changes.Writer, connected, stop.Token), CancellationToken.None);
        try
        {
            // The first LISTEN is in place before the caller sees anything: no change after this point is missed.
            await connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var subject in changes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return subject;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task PumpAsync(ChannelWriter<SubjectId> changes, TaskCompletionSource connected, CancellationToken cancellationToken)
    {
        var reconnecting = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, e) =>
                    {
                        if (SubjectId.TryCreate(e.Payload, out var subject))
                        {
                            changes.TryWrite(subject);
                        }
                    };
                    using (var listen = new NpgsqlCommand($"LISTEN \"{database.Channel}\"", connection))
                    {
                        await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    if (reconnecting)
                    {
                        changes.TryWrite(default);
                    }

                    connected.TrySetResult();
                    while (true)
                    {
                        await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (RelationalDatabase.IsFault(ex) || ex is System.Net.Sockets.SocketException)
            {
                reconnecting = true;
                try
                {
                    await Task.Delay(ReconnectDelay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        changes.TryComplete();
    }
}
