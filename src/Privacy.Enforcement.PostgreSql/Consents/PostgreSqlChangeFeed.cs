using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Npgsql;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.PostgreSql;

/// <summary>
/// Announces subject changes between instances with LISTEN/NOTIFY. The stores notify inside the writing transaction,
/// so a change is announced exactly when it commits. Any role that can connect may LISTEN on any channel (PostgreSQL
/// has no grant for it), so a notification carries the subject's stripe (one of <see cref="Stripes"/>), never its id;
/// listeners drop every cached subject in that stripe. Each listener holds one dedicated connection; when it is lost
/// the feed yields <see cref="SubjectChange.Interrupted"/> at once (keep nothing cached) and reconnects, and since
/// notifications sent while it was away are lost, it then yields
/// <see cref="SubjectChange.Everything"/>: "anything may have changed, drop every cached state". It also yields
/// <see cref="SubjectChange.Everything"/> first, as soon as its LISTEN is in place, which tells the listener that
/// from then on nothing is missed (until then the decision cache keeps nothing).
/// </summary>
/// <remarks>
/// Why a stripe and not a keyed hash: a key every instance shares would have to live in the database, readable only
/// by the stores' role, and a key mismatch between instances would silently stop invalidations. A stripe needs no
/// key and cannot be mismatched (the count travels with it). 256 stripes: with a million subjects a stripe hides a
/// subject among about 4,000; with the default cache bound (100,000 subjects) a change elsewhere drops about 400
/// cached states, each reloaded at its next decision.
/// </remarks>
internal sealed class PostgreSqlChangeFeed(PostgreSqlDatabase database) : IPrivacyChangeFeed
{
    /// <summary>How many stripes the subjects are divided into on the wire.</summary>
    public const int Stripes = 256;

    /// <summary>How long a listener waits before reconnecting after a failure.</summary>
    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(500);

    public ValueTask PublishAsync(SubjectId subject, CancellationToken cancellationToken) =>
        database.PublishChangeAsync(subject, cancellationToken);

    /// <summary>The notifications name no subject: each one is an empty <see cref="SubjectId"/> ("drop everything"). Read <see cref="ListenForChangesAsync"/> for the stripes.</summary>
    public async IAsyncEnumerable<SubjectId> ListenAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var _ in ListenForChangesAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return default;
        }
    }

    public async IAsyncEnumerable<SubjectChange> ListenForChangesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var changes = Channel.CreateUnbounded<SubjectChange>(new UnboundedChannelOptions { SingleReader = true });
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(() => PumpAsync(changes.Writer, connected, stop.Token), CancellationToken.None);
        try
        {
            // The first LISTEN is in place before the caller sees anything: no change after this point is missed.
            // Said at once with "everything": a listener keeps no state until its feed has spoken (it may have
            // loaded some before this point, when a change announced then reached no one).
            await connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            yield return SubjectChange.Everything;
            await foreach (var change in changes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return change;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Reads a notification's payload, "stripe/count"; anything else (another version, a stray NOTIFY) is read as "everything changed".</summary>
    internal static SubjectChange Parse(string payload)
    {
        var slash = payload.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && int.TryParse(payload.AsSpan(0, slash), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var stripe)
            && int.TryParse(payload.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            && count is > 1 and <= SubjectChange.MaxStripeCount
            && stripe < count
            ? SubjectChange.InStripe(stripe, count)
            : SubjectChange.Everything;
    }

    private async Task PumpAsync(ChannelWriter<SubjectChange> changes, TaskCompletionSource connected, CancellationToken cancellationToken)
    {
        var reconnecting = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, e) => changes.TryWrite(Parse(e.Payload));
                    using (var listen = new NpgsqlCommand($"LISTEN \"{database.Channel}\"", connection))
                    {
                        await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    if (reconnecting)
                    {
                        changes.TryWrite(SubjectChange.Everything);
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
            catch (Exception ex) when (database.Dialect.IsFault(ex) || ex is System.Net.Sockets.SocketException)
            {
                // Said at once, before the reconnect: notifications sent from now until the LISTEN is back are lost, so
                // a listener must keep nothing meanwhile (it is told "everything" once the LISTEN is back).
                if (connected.Task.IsCompleted)
                {
                    changes.TryWrite(SubjectChange.Interrupted);
                }

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
