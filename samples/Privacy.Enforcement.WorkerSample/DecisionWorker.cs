using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.WorkerSample;

/// <summary>How much work the worker does.</summary>
internal sealed class WorkerOptions
{
    /// <summary>Gets or sets how many users the worker signs up.</summary>
    public int Users { get; set; } = 20;
}

/// <summary>
/// Signs up a few users (acceptance, consent to collect contact data), asks the enforcer before each collection,
/// withdraws half the consents and asks again, then stops the host. Logs name outcomes and clause ids, never a
/// subject id.
/// </summary>
internal sealed partial class DecisionWorker : BackgroundService
{
    private static readonly PurposeId ServiceProvision = new(StandardPurposes.ServiceProvision);
    private static readonly DataCategory Email = new(StandardDataCategories.Email);

    private readonly IPrivacyEnforcer _enforcer;
    private readonly IPolicyProvider _policies;
    private readonly IPolicyAcceptanceService _acceptances;
    private readonly IConsentService _consents;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly WorkerOptions _options;
    private readonly ILogger<DecisionWorker> _logger;

    public DecisionWorker(
        IPrivacyEnforcer enforcer,
        IPolicyProvider policies,
        IPolicyAcceptanceService acceptances,
        IConsentService consents,
        IHostApplicationLifetime lifetime,
        IOptions<WorkerOptions> options,
        ILogger<DecisionWorker> logger)
    {
        _enforcer = enforcer;
        _policies = policies;
        _acceptances = acceptances;
        _consents = consents;
        _lifetime = lifetime;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = _policies.Current.Version;
        LogPolicy(policy.ToString(), policy.ContentHash);

        // Each run signs up new users, so the worker can run again against the same database.
        var run = Guid.NewGuid().ToString("N")[..8];
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _options.Users && !stoppingToken.IsCancellationRequested; i++)
        {
            var subject = new SubjectId($"worker-{run}-{i}");
            await _acceptances.AcceptAsync(subject, policy.Version, policy.ContentHash, "worker-signup", stoppingToken);
            var consent = await _consents.GrantAsync(
                new ConsentRequest
                {
                    Subject = subject,
                    PolicyVersion = policy.Version,
                    PolicyContentHash = policy.ContentHash,
                    Purposes = [ServiceProvision],
                    Categories = [Email],
                    Acts = [ProcessingAct.Collect],
                    CollectionMethod = "worker",
                },
                stoppingToken);

            await DecideAsync(subject, "after consent", outcomes, stoppingToken);
            if (i % 2 == 0)
            {
                await _consents.WithdrawAsync(subject, consent.ConsentId, stoppingToken);
                await DecideAsync(subject, "after withdrawal", outcomes, stoppingToken);
            }
        }

        foreach (var (step, count) in outcomes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            LogSummary(step, count);
        }

        _lifetime.StopApplication();
    }

    private async Task DecideAsync(SubjectId subject, string step, Dictionary<string, int> outcomes, CancellationToken cancellationToken)
    {
        var decision = await _enforcer.DecideAsync(new CollectionRequest(subject, [Email], ServiceProvision), cancellationToken);
        var key = $"{step}: {decision.Outcome} [{decision.Clauses}]";
        outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        LogDecision(step, decision.Outcome, decision.Reason, decision.Clauses.ToString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Enforcing policy {Policy} (sha256 {ContentHash})")]
    private partial void LogPolicy(string policy, string contentHash);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Collection {Step}: {Outcome} ({Reason}) under {Clauses}")]
    private partial void LogDecision(string step, DecisionOutcome outcome, DecisionReason reason, string clauses);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Step}: {Count} decisions")]
    private partial void LogSummary(string step, int count);
}
