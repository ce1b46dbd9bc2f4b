using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Tool.Output;
using Privacy.Enforcement.Tool.Policies;
using Privacy.Enforcement.Tool.Testing;

namespace Privacy.Enforcement.Tool.Auditing;

/// <summary><c>privacy audit query</c>: a subject's ledger, a recipient's receipts or a time range of a SQL audit trail.</summary>
internal static class AuditQueryCommand
{
    public static Command Create(Terminal terminal)
    {
        var sqlite = new Option<string?>("--sqlite") { Description = "The SQLite database file the host writes (read only; never created)." };
        var postgres = new Option<string?>("--postgres") { Description = "A PostgreSQL connection string (Host=...;Database=...;Username=...)." };
        var schema = new Option<string?>("--schema") { Description = "The PostgreSQL schema of the stores, when the host set one." };
        var pseudonym = new Option<string?>("--pseudonym") { Description = "A subject's pseudonym: its ledger (every event about it)." };
        var subject = new Option<string?>("--subject") { Description = "A subject id, looked up to its pseudonym in the store (nothing when erased)." };
        var recipient = new Option<string?>("--recipient") { Description = "A recipient id: what it was disclosed." };
        var from = new Option<string?>("--from") { Description = "Events at or after this time (2026-01-31T00:00:00Z)." };
        var to = new Option<string?>("--to") { Description = "Events before this time." };
        var kind = new Option<AuditEventKind?>("--kind") { Description = "Only events of this kind (Decision, ConsentFact, ...)." };
        var json = PolicyCommands.JsonOption();
        var command = new Command("query", """
            Reads the audit trail a host stored in SQLite or PostgreSQL through the library's stores: a subject's ledger
            (by pseudonym, or by subject id looked up to its pseudonym), a recipient's receipts, a time range, or all of
            them together. Exit code 0 with the events found (none is not an error), 2 when the store cannot be read.

            Example: privacy audit query --sqlite privacy.db --recipient courier --from 2026-01-01T00:00:00Z
            """) { sqlite, postgres, schema, pseudonym, subject, recipient, from, to, kind, json };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(sqlite) is null) == (result.GetResult(postgres) is null))
            {
                result.AddError("Give exactly one store: --sqlite FILE or --postgres CONNECTION-STRING.");
            }

            if (result.GetResult(pseudonym) is not null && result.GetResult(subject) is not null)
            {
                result.AddError("Give --pseudonym or --subject, not both.");
            }
        });
        command.SetAction(async (parse, token) =>
        {
            var services = new ServiceCollection();
            var builder = services.AddPrivacyEnforcement();
            HostStores.Use(builder, parse.GetValue(sqlite), parse.GetValue(postgres), parse.GetValue(schema));

            services.AddSingleton<IAuditTrail, DiscardingAuditTrail>();
            var provider = services.BuildServiceProvider();
            await using (provider.ConfigureAwait(false))
            {
                try
                {
                    return await QueryAsync(provider, terminal, parse, token).ConfigureAwait(false);
                }
                catch (PrivacyStoreException ex)
                {
                    throw HostStores.Unreadable(ex);
                }
            }
        });
        return command;

        async Task<int> QueryAsync(ServiceProvider provider, Terminal terminal, ParseResult parse, CancellationToken token)
        {
            var query = new AuditQuery
            {
                SubjectPseudonym = parse.GetValue(pseudonym),
                Recipient = parse.GetValue(recipient),
                From = Time(parse.GetValue(from), "--from"),
                To = Time(parse.GetValue(to), "--to"),
                Kind = parse.GetValue(kind),
            };
            if (parse.GetValue(subject) is { } subjectId)
            {
                var found = await provider.GetRequiredService<IPseudonymStore>().FindAsync(new SubjectId(subjectId), token).ConfigureAwait(false);
                if (found is null)
                {
                    await terminal.Error.WriteLineAsync("The store holds no pseudonym for that subject (never audited, or erased): its ledger is empty.").ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                query = query with { SubjectPseudonym = found };
            }

            var events = new List<AuditEvent>();
            await foreach (var e in provider.GetRequiredService<IAuditTrailReader>().QueryAsync(query, token).ConfigureAwait(false))
            {
                events.Add(e);
            }

            Write(terminal, events, parse.GetValue(json));
            return ExitCodes.Ok;
        }
    }

    private static DateTimeOffset? Time(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new ToolException($"{option} '{text}' is not a time; write it as 2026-01-31T09:00:00Z.");
    }

    private static void Write(Terminal terminal, List<AuditEvent> events, bool json)
    {
        if (json)
        {
            JsonOutput.Write(terminal.Out, new JsonArray([.. events.Select(e => (JsonNode)new JsonObject
            {
                ["sequence"] = e.Sequence,
                ["timestamp"] = e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["kind"] = e.Kind.ToString(),
                ["action"] = e.Action,
                ["pseudonym"] = e.SubjectPseudonym,
                ["recipient"] = e.Recipient,
                ["purpose"] = e.Purpose,
                ["categories"] = JsonOutput.Array(e.Categories),
                ["ground"] = e.Ground,
                ["outcome"] = e.Outcome,
                ["clauses"] = JsonOutput.Array(e.ClauseIds),
                ["hash"] = e.Hash,
            })]));
            return;
        }

        var table = new TextTable("SEQ", "TIME (UTC)", "KIND", "ACTION", "PSEUDONYM", "RECIPIENT", "CATEGORIES", "OUTCOME", "CLAUSES");
        foreach (var e in events)
        {
            table.Add(
                e.Sequence.ToString(CultureInfo.InvariantCulture),
                e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                e.Kind.ToString(),
                e.Action,
                e.SubjectPseudonym ?? "-",
                e.Recipient ?? "-",
                string.Join(",", e.Categories),
                e.Outcome ?? "-",
                string.Join(",", e.ClauseIds));
        }

        table.WriteTo(terminal.Out, terminal);
        terminal.Out.WriteLine($"{events.Count} event{(events.Count == 1 ? string.Empty : "s")}");
    }
}
