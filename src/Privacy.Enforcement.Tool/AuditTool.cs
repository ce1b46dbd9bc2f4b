using System.Security.Cryptography;
using Privacy.Enforcement.Auditing;

namespace Privacy.Enforcement.Tool;

/// <summary>The <c>privacy-audit</c> command line.</summary>
internal static class AuditTool
{
    public const int Ok = 0;
    public const int VerificationFailed = 1;
    public const int UsageError = 2;

    private const string Usage = """
        usage: privacy-audit verify --trail <trail.jsonl> [--checkpoints <checkpoints.jsonl>]
                                    [--hmac-key-file <file with a base64 key> | --ecdsa-public-key-file <PEM file>]
                                    [--key-id <id>] [--expect-at-least <events>] [--anchor <checkpoint.jsonl>]

        Verifies the hash chain of a JSON Lines audit trail, byte for byte, against its checkpoints (one chain of
        checkpoints; truncation below the newest; rewritten history) and, when a key is given, the checkpoints'
        signatures; with a key at least one checkpoint is required. --expect-at-least fails a trail with fewer events
        than known from elsewhere; --anchor takes a checkpoint held outside the host (the last line of the file, as the
        checkpoint file writes it): the trail must hold its head and the checkpoints must include it. Prints OK with
        the event count and head hash, or the first bad index (0-based; its sequence number is one more). Exit code 0
        when the trail verifies, 1 when it does not, 2 on a usage or file error.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? UsageError : Ok;
        }

        if (args[0] != "verify")
        {
            await error.WriteLineAsync($"Unknown command '{args[0]}'.\n{Usage}").ConfigureAwait(false);
            return UsageError;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is not ("--trail" or "--checkpoints" or "--hmac-key-file" or "--ecdsa-public-key-file" or "--key-id" or "--expect-at-least" or "--anchor") || i + 1 >= args.Length)
            {
                await error.WriteLineAsync($"Unknown or incomplete option '{args[i]}'.\n{Usage}").ConfigureAwait(false);
                return UsageError;
            }

            options[args[i]] = args[++i];
        }

        if (!options.TryGetValue("--trail", out var trailPath))
        {
            await error.WriteLineAsync($"--trail is required.\n{Usage}").ConfigureAwait(false);
            return UsageError;
        }

        using var ecdsa = options.ContainsKey("--ecdsa-public-key-file") ? ECDsa.Create() : null;
        try
        {
            var keyId = options.GetValueOrDefault("--key-id") ?? string.Empty;
            IAuditCheckpointSigner? signer = null;
            if (options.TryGetValue("--hmac-key-file", out var hmacFile))
            {
                var key = Convert.FromBase64String((await File.ReadAllTextAsync(hmacFile, cancellationToken).ConfigureAwait(false)).Trim());
                signer = new HmacSha256CheckpointSigner(keyId, key);
            }
            else if (ecdsa is not null)
            {
                ecdsa.ImportFromPem(await File.ReadAllTextAsync(options["--ecdsa-public-key-file"], cancellationToken).ConfigureAwait(false));
                signer = new ECDsaCheckpointSigner(keyId, ecdsa);
            }

            var minimumSize = 0L;
            if (options.TryGetValue("--expect-at-least", out var expected)
                && (!long.TryParse(expected, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out minimumSize) || minimumSize < 0))
            {
                await error.WriteLineAsync($"--expect-at-least must be a whole number of events, not '{expected}'.\n{Usage}").ConfigureAwait(false);
                return UsageError;
            }

            AuditCheckpoint? anchor = null;
            if (options.TryGetValue("--anchor", out var anchorPath))
            {
                anchor = await ReadAnchorAsync(anchorPath, cancellationToken).ConfigureAwait(false);
            }

            var verification = new AuditVerificationOptions { Signer = signer, MinimumSize = minimumSize, Anchor = anchor };
            var trail = File.OpenRead(trailPath);
            await using (trail.ConfigureAwait(false))
            {
                var checkpoints = options.TryGetValue("--checkpoints", out var checkpointPath) ? File.OpenRead(checkpointPath) : null;
                try
                {
                    var result = await AuditTrailVerifier.VerifyJsonLinesAsync(trail, checkpoints, verification, cancellationToken).ConfigureAwait(false);
                    if (result.IsValid)
                    {
                        var anchored = anchor is null ? string.Empty : $", anchored at {anchor.Size}";
                        await output.WriteLineAsync($"OK {result.Count} events, head {result.HeadHash}, {result.CheckpointsVerified} checkpoints verified{(signer is null ? string.Empty : " (signatures checked)")}{anchored}").ConfigureAwait(false);
                        return Ok;
                    }

                    var where = result.FirstBadIndex is { } index ? $"first bad index {index} (sequence {index + 1})" : "checkpoint";
                    await output.WriteLineAsync($"FAILED {result.Failure}: {where}. {result.Message} {result.Count} events verified before it; last good head {result.HeadHash}.").ConfigureAwait(false);
                    return VerificationFailed;
                }
                finally
                {
                    if (checkpoints is not null)
                    {
                        await checkpoints.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException or CryptographicException or System.Text.Json.JsonException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return UsageError;
        }
    }

    /// <summary>Reads the anchor: the last non-empty line of the file, a checkpoint as the checkpoint file stores it.</summary>
    private static async Task<AuditCheckpoint> ReadAnchorAsync(string path, CancellationToken cancellationToken)
    {
        var lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
        var last = lines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))
            ?? throw new FormatException($"The anchor file '{path}' holds no checkpoint.");
        try
        {
            return AuditHashChain.ParseCheckpointLine(System.Text.Encoding.UTF8.GetBytes(last));
        }
        catch (FormatException ex)
        {
            throw new FormatException($"The anchor file '{path}' does not end with a checkpoint: {ex.Message}", ex);
        }
    }
}
