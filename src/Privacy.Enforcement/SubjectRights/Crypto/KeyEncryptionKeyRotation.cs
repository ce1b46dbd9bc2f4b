using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// A key-encryption key provider whose versions are epochs that can be destroyed. Destroying an epoch makes every data
/// key ever wrapped under it unreadable, wherever a copy survives: a database heap before vacuum, its write-ahead log,
/// archives and backups (<c>store.subject-delete</c>). A KMS-backed provider schedules the key's deletion there.
/// </summary>
public interface IKeyEncryptionKeyEpochs
{
    /// <summary>Gets the versions this provider can still unwrap with.</summary>
    IReadOnlyCollection<int> Versions { get; }

    /// <summary>Destroys a version: from then on nothing wrapped under it can be unwrapped.</summary>
    /// <param name="kekVersion">The version; never the current one.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes once the version is destroyed.</returns>
    /// <exception cref="InvalidOperationException">The version is the current one.</exception>
    ValueTask DestroyAsync(int kekVersion, CancellationToken cancellationToken);
}

/// <summary>What a retirement of key-encryption key epochs did.</summary>
/// <param name="Rewrapped">How many live data keys were re-wrapped under the current epoch.</param>
/// <param name="Retired">The epochs destroyed, oldest first.</param>
public sealed record KeyEncryptionKeyRetirement(int Rewrapped, IReadOnlyList<int> Retired);

/// <summary>
/// Options of the scheduled retirement of key-encryption key epochs, bound from <c>PrivacyEnforcement:KeyRotation</c>,
/// set in code with <c>RetireKeyEncryptionKeyEpochs</c>, validated at start-up.
/// </summary>
public sealed class KeyEncryptionKeyRotationOptions
{
    /// <summary>The configuration section, under <see cref="PrivacyEnforcementOptions.SectionName"/>, the options bind from.</summary>
    public const string SectionName = "KeyRotation";

    /// <summary>The full configuration path, for messages.</summary>
    internal const string Path = PrivacyEnforcementOptions.SectionName + ":" + SectionName;

    /// <summary>Gets or sets how often the library re-wraps live data keys under the current epoch and destroys older epochs (default one day).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.0000001", "10675199.02:48:05.4775807")]
    public TimeSpan RetireEvery { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Validates <see cref="KeyEncryptionKeyRotationOptions"/> against its data annotations at start-up (generated).</summary>
[OptionsValidator]
internal sealed partial class KeyEncryptionKeyRotationOptionsValidator : IValidateOptions<KeyEncryptionKeyRotationOptions>;

/// <summary>
/// Retires key-encryption key epochs so that what a database keeps after an erasure cannot be read: every live data
/// key wrapped under an older epoch is re-wrapped under the current one, and only once none is left are the older
/// epochs destroyed. Each key is replaced by compare-and-swap, so an interrupted retirement is simply run again: keys
/// already moved stay moved, the rest are moved next time, and nothing is destroyed while a live key still needs it.
/// </summary>
/// <remarks>
/// Roll the new current epoch out to every application instance before retiring: an instance still wrapping new keys
/// under the old epoch would lose them when it is destroyed.
/// </remarks>
public sealed partial class KeyEncryptionKeyRotation
{
    // A pass can miss a key that a concurrent rotation or a new subject changed under it; more passes than this is contention.
    private const int MaxPasses = 3;

    private readonly ISubjectKeyStore _keys;
    private readonly IKeyEncryptionKeyProvider _kek;
    private readonly SubjectFieldEncryptor _encryptor;
    private readonly ILogger _logger;

    /// <summary>Creates the rotation.</summary>
    /// <param name="keys">The store of wrapped subject keys.</param>
    /// <param name="kek">The host's key-encryption key; it must implement <see cref="IKeyEncryptionKeyEpochs"/> to destroy epochs.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public KeyEncryptionKeyRotation(ISubjectKeyStore keys, IKeyEncryptionKeyProvider kek, TimeProvider time, ILogger<KeyEncryptionKeyRotation>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(kek);
        ArgumentNullException.ThrowIfNull(time);
        _keys = keys;
        _kek = kek;
        _encryptor = new SubjectFieldEncryptor(keys, kek, time);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Re-wraps every live data key under the current epoch, then destroys every older epoch.</summary>
    /// <param name="cancellationToken">Cancels the operation; what was re-wrapped stays re-wrapped.</param>
    /// <returns>What was re-wrapped and destroyed.</returns>
    /// <exception cref="InvalidOperationException">The provider cannot destroy epochs, or keys kept changing under an older epoch (nothing was destroyed; run it again).</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A live key could not be unwrapped (nothing was destroyed).</exception>
    public async ValueTask<KeyEncryptionKeyRetirement> RetireOlderEpochsAsync(CancellationToken cancellationToken)
    {
        if (_kek is not IKeyEncryptionKeyEpochs epochs)
        {
            throw new InvalidOperationException($"The key-encryption key provider {_kek.GetType().Name} cannot destroy epochs: implement {nameof(IKeyEncryptionKeyEpochs)}, or call {nameof(SubjectFieldEncryptor)}.{nameof(SubjectFieldEncryptor.RewrapAsync)} and destroy the older versions in the key store yourself.");
        }

        var current = _kek.CurrentVersion;
        var rewrapped = 0;
        for (var pass = 1; ; pass++)
        {
            rewrapped += await _encryptor.RewrapAsync(cancellationToken).ConfigureAwait(false);
            if (!await AnyWrappedBelowAsync(current, cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            if (pass == MaxPasses)
            {
                throw new InvalidOperationException($"Subject keys were still wrapped under an epoch older than {current} after {MaxPasses} passes (they kept changing); no epoch was destroyed. Run the retirement again.");
            }
        }

        var retired = epochs.Versions.Where(v => v < current).Order().ToArray();
        foreach (var version in retired)
        {
            await epochs.DestroyAsync(version, cancellationToken).ConfigureAwait(false);
            LogEpochRetired(_logger, version, current);
        }

        return new KeyEncryptionKeyRetirement(rewrapped, retired);
    }

    private async ValueTask<bool> AnyWrappedBelowAsync(int version, CancellationToken cancellationToken)
    {
        await foreach (var _ in _keys.GetWrappedBelowAsync(version, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    [LoggerMessage(EventId = 8101, EventName = "KeyEncryptionKeyEpochRetired", Level = LogLevel.Information, Message = "Key-encryption key epoch {Epoch} was destroyed; every live subject key is wrapped under epoch {Current}.")]
    private static partial void LogEpochRetired(ILogger logger, int epoch, int current);
}

/// <summary>
/// Runs <see cref="KeyEncryptionKeyRotation.RetireOlderEpochsAsync"/> every <see cref="KeyEncryptionKeyRotationOptions.RetireEvery"/>
/// on the library's clock; the timer is armed when the host starts, and a run still going when the next is due is not doubled.
/// </summary>
internal sealed partial class KeyEncryptionKeyRetirementService(
    KeyEncryptionKeyRotation rotation,
    IOptions<KeyEncryptionKeyRotationOptions> options,
    TimeProvider time,
    ILogger<KeyEncryptionKeyRetirementService>? logger = null) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private ITimer? _timer;
    private Task _running = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var period = options.Value.RetireEvery;
        _timer = time.CreateTimer(static state => ((KeyEncryptionKeyRetirementService)state!).Tick(), this, period, period);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        Task running;
        lock (_gate)
        {
            running = _running;
        }

        await running.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (!_running.IsCompleted || _stopping.IsCancellationRequested)
            {
                return;
            }

            _running = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await rotation.RetireOlderEpochsAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // Nothing a live key still needed was destroyed; the next interval tries again.
            LogRetirementFailed(_logger, ex, ex.GetType().Name);
        }
        catch (OperationCanceledException)
        {
            // Host shutdown.
        }
    }

    [LoggerMessage(EventId = 8102, EventName = "KeyEncryptionKeyRetirementFailed", Level = LogLevel.Warning, Message = "Retiring key-encryption key epochs failed with {ErrorKind}; no epoch still needed was destroyed, and it runs again at the next interval.")]
    private static partial void LogRetirementFailed(ILogger logger, Exception exception, string errorKind);
}
