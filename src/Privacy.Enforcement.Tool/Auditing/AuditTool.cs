using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Tool.Output;

namespace Privacy.Enforcement.Tool.Auditing;

/// <summary><c>privacy audit verify</c>: the hash chain, checkpoints and signatures of a JSON Lines audit trail.</summary>
internal static class AuditTool
{
    public const int Ok = ExitCodes.Ok;
    public const int VerificationFailed = ExitCodes.Failed;
    public const int UsageError = ExitCodes.UsageError;

    private const string Description = """
        Verifies the hash chain of a JSON Lines audit trail, byte for byte, against its checkpoints (one chain of
        checkpoints; truncation below the newest; rewritten history) and, when a key is given, the checkpoints'
        signatures; with a key at least one checkpoint is required. --expect-at-least fails a trail with fewer events
        than known from elsewhere; --anchor takes a checkpoint held outside the host (the last line of the file, as the
        checkpoint file writes it): the trail must hold its head and the checkpoints must include it. Prints OK with
        the event count and head hash, or the first bad index (0-based; its sequence number is one more). Exit code 0
        when the trail verifies, 1 when it does not, 2 on a usage or file error.

        Example: privacy audit verify --trail audit.jsonl --checkpoints checkpoints.jsonl --hmac-key-file audit.key --key-id k1
        """;

    public static Command CreateCommand(Terminal terminal)
    {
        var trail = new Option<string>("--trail") { Description = "The JSON Lines audit trail.", Required = true };
        var checkpoints = new Option<string?>("--checkpoints") { Description = "The JSON Lines checkpoint file." };
        var hmac = new Option<string?>("--hmac-key-file") { Description = "A file holding the base64 HMAC-SHA256 key that signed the checkpoints." };
        var ecdsa = new Option<string?>("--ecdsa-public-key-file") { Description = "A PEM file holding the ECDSA public key that signed the checkpoints." };
        var keyId = new Option<string?>("--key-id") { Description = "The id of the signing key." };
        var expect = new Option<string?>("--expect-at-least") { Description = "Fail a trail with fewer events than this." };
        var anchor = new Option<string?>("--anchor") { Description = "A checkpoint file held outside the host; its last line is the anchor." };
        var command = new Command("verify", Description) { trail, checkpoints, hmac, ecdsa, keyId, expect, anchor };
        command.Validators.Add(result =>
        {
            if (result.GetResult(hmac) is not null && result.GetResult(ecdsa) is not null)
            {
                result.AddError("Give --hmac-key-file or --ecdsa-public-key-file, not both.");
            }
        });
        command.SetAction((parse, token) => VerifyAsync(
            terminal,
            new VerifyArguments(parse.GetRequiredValue(trail), parse.GetValue(checkpoints), parse.GetValue(hmac), parse.GetValue(ecdsa), parse.GetValue(keyId), parse.GetValue(expect), parse.GetValue(anchor)),
            token));
        return command;
    }

    private static async Task<int> VerifyAsync(Terminal terminal, VerifyArguments arguments, CancellationToken cancellationToken)
    {
        var output = terminal.Out;
        using var ecdsa = arguments.EcdsaKeyFile is not null ? ECDsa.Create() : null;
        try
        {
            var keyId = arguments.KeyId ?? string.Empty;
            IAuditCheckpointSigner? signer = null;
            if (arguments.HmacKeyFile is { } hmacFile)
            {
                var key = Convert.FromBase64String((await File.ReadAllTextAsync(hmacFile, cancellationToken).ConfigureAwait(false)).Trim());
                signer = new HmacSha256CheckpointSigner(keyId, key);
            }
            else if (ecdsa is not null)
            {
                ecdsa.ImportFromPem(await File.ReadAllTextAsync(arguments.EcdsaKeyFile!, cancellationToken).ConfigureAwait(false));
                signer = new ECDsaCheckpointSigner(keyId, ecdsa);
            }

            var minimumSize = 0L;
            if (arguments.ExpectAtLeast is { } expected
                && (!long.TryParse(expected, NumberStyles.None, CultureInfo.InvariantCulture, out minimumSize) || minimumSize < 0))
            {
                await terminal.Error.WriteLineAsync($"error: --expect-at-least must be a whole number of events, not '{expected}'.").ConfigureAwait(false);
                return UsageError;
            }

            AuditCheckpoint? anchor = null;
            if (arguments.Anchor is { } anchorPath)
            {
                anchor = await ReadAnchorAsync(anchorPath, cancellationToken).ConfigureAwait(false);
            }

            var verification = new AuditVerificationOptions { Signer = signer, MinimumSize = minimumSize, Anchor = anchor };
            var trail = File.OpenRead(arguments.Trail);
            await using (trail.ConfigureAwait(false))
            {
                var checkpoints = arguments.Checkpoints is { } checkpointPath ? File.OpenRead(checkpointPath) : null;
                try
                {
                    var result = await AuditTrailVerifier.VerifyJsonLinesAsync(trail, checkpoints, verification, cancellationToken).ConfigureAwait(false);
                    if (result.IsValid)
                    {
                        var anchored = anchor is null ? string.Empty : $", anchored at {anchor.Size}";
                        await output.WriteLineAsync($"{terminal.Green("OK")} {result.Count} events, head {result.HeadHash}, {result.CheckpointsVerified} checkpoints verified{(signer is null ? string.Empty : " (signatures checked)")}{anchored}").ConfigureAwait(false);
                        return Ok;
                    }

                    var where = result.FirstBadIndex is { } index ? $"first bad index {index} (sequence {index + 1})" : "checkpoint";
                    await output.WriteLineAsync($"{terminal.Red("FAILED")} {result.Failure}: {where}. {result.Message} {result.Count} events verified before it; last good head {result.HeadHash}.").ConfigureAwait(false);
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
            await terminal.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
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

    private sealed record VerifyArguments(string Trail, string? Checkpoints, string? HmacKeyFile, string? EcdsaKeyFile, string? KeyId, string? ExpectAtLeast, string? Anchor);
}
