using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// Schema migration 5: stored facts take the standard taxonomy's fideslang ids (<see cref="StandardDataCategories.FormerIds"/>).
/// The statements rename the ids that have one replacement, as whole JSON strings (<c>"user.contact.phone"</c> with
/// its quotes, so <c>user.contact.phone_number</c> is not touched twice); <see cref="ExpandGroupingsAsync"/> then
/// replaces, in every JSON array, an id that stood for several (<c>user.sensitive</c>) with all of them, so a consent
/// or a legal hold that covered the grouping still covers what it held. The audit trail is not rewritten: its events
/// are hash-chained and record what was decided, with the ids of their time.
/// </summary>
public static class CategoryIdMigration
{
    /// <summary>The tables whose JSON payloads can name data categories, each with its key column.</summary>
    private static readonly (string Table, string Key)[] Tables =
    [
        ("pe_consent_facts", "seq"),
        ("pe_engagements", "id"),
        ("pe_violations", "id"),
        ("pe_sanctions", "seq"),
        ("pe_subject_rights_requests", "id"),
        ("pe_legal_holds", "seq"),
    ];

    /// <summary>Returns the migration's statements for a table prefix (<c>{p}</c> in PostgreSQL, empty in SQLite).</summary>
    /// <param name="prefix">The table prefix.</param>
    /// <returns>The SQL text.</returns>
    public static string RenameSql(string prefix)
    {
        var sql = new StringBuilder();
        foreach (var (table, _) in Tables)
        {
            foreach (var (former, current) in StandardDataCategories.FormerIds)
            {
                if (current.Count != 1)
                {
                    continue;
                }

                sql.Append(CultureInfo.InvariantCulture,
                    $"UPDATE {prefix}{table} SET payload = REPLACE(payload, '\"{former}\"', '\"{current[0]}\"') WHERE payload LIKE '%\"{former}\"%';\n");
            }
        }

        return sql.ToString();
    }

    /// <summary>Replaces, in every JSON array of every payload, an id that stood for several categories with all of them.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The migration's transaction.</param>
    /// <param name="prefix">The table prefix.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every payload is rewritten.</returns>
    public static async Task ExpandGroupingsAsync(DbConnection connection, DbTransaction transaction, string prefix, CancellationToken cancellationToken)
    {
        var groupings = StandardDataCategories.FormerIds.Where(p => p.Value.Count > 1).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var (table, key) in Tables)
        {
            var changed = new List<(object Key, string Payload)>();
            foreach (var former in groupings.Keys)
            {
                using var select = connection.CreateCommand($"SELECT {key}, payload FROM {prefix}{table} WHERE payload LIKE @pattern", transaction);
                select.AddParameter("@pattern", $"%\"{former}\"%");
                var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var rowKey = reader.GetValue(0);
                        if (changed.Any(c => Equals(c.Key, rowKey)))
                        {
                            continue;
                        }

                        var rewritten = Expand(reader.GetString(1), groupings);
                        if (rewritten is not null)
                        {
                            changed.Add((rowKey, rewritten));
                        }
                    }
                }
            }

            foreach (var (rowKey, payload) in changed)
            {
                using var update = connection.CreateCommand($"UPDATE {prefix}{table} SET payload = @payload WHERE {key} = @key", transaction);
                update.AddParameter("@payload", payload);
                update.AddParameter("@key", rowKey);
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await RescopeOpenRectificationsAsync(connection, transaction, prefix, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An open rectification's scope is its categories joined by commas, sorted, and its <c>scope_key</c> the hash the
    /// unique index of open requests compares: both are rewritten with the new ids, so a retry of the same correction
    /// finds the open request instead of opening a second one.
    /// </summary>
    private static async Task RescopeOpenRectificationsAsync(DbConnection connection, DbTransaction transaction, string prefix, CancellationToken cancellationToken)
    {
        var changed = new List<(string Id, string Scope, string Payload)>();
        using (var select = connection.CreateCommand($"SELECT id, payload FROM {prefix}pe_subject_rights_requests WHERE is_open = 1 AND kind = @kind", transaction))
        {
            select.AddParameter("@kind", (long)SubjectRights.SubjectRightsRequestKind.Rectify);
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var root = JsonNode.Parse(reader.GetString(1))!.AsObject();
                    if (root["Scope"] is not JsonValue value || !value.TryGetValue<string>(out var scope) || scope.Length == 0)
                    {
                        continue;
                    }

                    var ids = scope.Split(',');
                    if (!ids.Any(StandardDataCategories.FormerIds.ContainsKey))
                    {
                        continue;
                    }

                    var renamed = string.Join(',', ids.SelectMany(id => StandardDataCategories.FormerIds.TryGetValue(id, out var current) ? current : [id])
                        .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
                    root["Scope"] = renamed;
                    changed.Add((reader.GetString(0), renamed, root.ToJsonString()));
                }
            }
        }

        foreach (var (id, scope, payload) in changed)
        {
            using var update = connection.CreateCommand($"UPDATE {prefix}pe_subject_rights_requests SET payload = @payload, scope_key = @scope WHERE id = @id", transaction);
            update.AddParameter("@payload", payload);
            update.AddParameter("@scope", RelationalSubjectRightsRequestStore.ScopeKey(scope));
            update.AddParameter("@id", id);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The payload with every grouping id in an array replaced by the ids it stood for, or <see langword="null"/> when none was.</summary>
    internal static string? Expand(string payload, IReadOnlyDictionary<string, IReadOnlyList<string>> groupings)
    {
        var root = JsonNode.Parse(payload);
        return root is not null && Walk(root, groupings) ? root.ToJsonString() : null;
    }

    private static bool Walk(JsonNode node, IReadOnlyDictionary<string, IReadOnlyList<string>> groupings)
    {
        var changed = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    changed |= child is not null && Walk(child, groupings);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue<string>(out var text) && groupings.TryGetValue(text, out var ids))
                    {
                        array.RemoveAt(i);
                        var present = array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).ToHashSet(StringComparer.Ordinal);
                        var inserted = 0;
                        foreach (var id in ids.Where(id => !present.Contains(id)))
                        {
                            array.Insert(i + inserted++, JsonValue.Create(id));
                        }

                        i += inserted - 1;
                        changed = true;
                    }
                    else if (array[i] is { } child)
                    {
                        changed |= Walk(child, groupings);
                    }
                }

                break;
        }

        return changed;
    }
}
