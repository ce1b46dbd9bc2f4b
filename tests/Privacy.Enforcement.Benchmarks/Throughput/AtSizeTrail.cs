using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Privacy.Enforcement.Benchmarks.Throughput;

/// <summary>
/// A generated audit trail of a given size in the library's own schema, built once and kept between runs under
/// <c>BenchmarkDotNet.Artifacts/at-size/{store}-v{schema version}-{events}</c> (SQLite: the database file; PostgreSQL:
/// a cluster of its own whose data directory lives there, started by the run and stopped at its end). The events are
/// valid: one hash chain of sealed decision lines (one in 20 a consent event; every second one a disclosure), as the
/// library stores them, over <see cref="SubjectsFor"/> subjects (100 events each, spread over the trail), with their index rows, so the library opens the trail, verifies what it reads and appends
/// after it. SQLite is written in one transaction with one prepared insert per table, PostgreSQL with binary
/// <c>COPY</c>; the query index's secondary indexes are dropped for the load and built again after it. A marker file
/// records the generation time; a directory without it is generated again.
/// </summary>
internal static class AtSizeTrail
{
    private const string Marker = "generated.txt";

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] IndexDdl =
    [
        "CREATE INDEX ix_pe_audit_index_subject ON {0}pe_audit_index (subject_pseudonym, kind, sequence)",
        "CREATE INDEX ix_pe_audit_index_recipient ON {0}pe_audit_index (recipient, kind, sequence)",
        "CREATE INDEX ix_pe_audit_index_kind ON {0}pe_audit_index (kind, sequence)",
        "CREATE INDEX ix_pe_audit_index_time ON {0}pe_audit_index (occurred_at)",
    ];

    /// <summary>The command line that generates a trail ahead of a run: <c>generate-trail SQLite|PostgreSQL EVENTS</c>.</summary>
    public const string Command = "generate-trail";

    /// <summary>Generates the cached trail of <paramref name="store"/> unless it is there already.</summary>
    public static async Task GenerateAsync(string store, long events, TextWriter log)
    {
        var watch = Stopwatch.StartNew();
        var where = store == BenchmarkStores.Sqlite ? await SqliteAsync(events, log) : (await PostgresAsync(events, log)).Schema;
        await log.WriteLineAsync($"{store} trail of {events:N0} events ready in {where} after {watch.Elapsed.TotalSeconds:N0} s");
    }

    /// <summary>The number of subjects of a generated trail: one per 100 events.</summary>
    public static int SubjectsFor(long events) => (int)Math.Max(1, events / 100);

    /// <summary>The pseudonym of generated subject <paramref name="n"/>.</summary>
    public static string Pseudonym(long n) => "g-" + n.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>The SQLite file holding a trail of <paramref name="events"/> events, generated on first use.</summary>
    public static async Task<string> SqliteAsync(long events, TextWriter log)
    {
        var version = await SchemaVersionAsync(BenchmarkStores.Sqlite, null);
        var directory = CacheDirectory($"sqlite-v{version}-{events}");
        var path = Path.Combine(directory, "trail.db");
        if (File.Exists(Path.Combine(directory, Marker)) && File.Exists(path))
        {
            return path;
        }

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }

        var watch = Stopwatch.StartNew();
        await MigrateAsync(BenchmarkStores.Sqlite, "Data Source=" + path, null);
        await using (var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False"))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144");
            foreach (var ddl in IndexDdl)
            {
                await ExecuteAsync(connection, "DROP INDEX " + ddl.Split(' ')[2]);
            }

            await using (var transaction = connection.BeginTransaction())
            {
                await using var insertEvent = new SqliteCommand("INSERT INTO pe_audit_events (sequence, hash, kind, occurred_at, subject_pseudonym, recipient, payload) VALUES ($s, $h, $k, $o, $p, $r, $l)", connection, transaction);
                await using var insertIndex = new SqliteCommand("INSERT INTO pe_audit_index (sequence, kind, occurred_at, subject_pseudonym, recipient) VALUES ($s, $k, $o, $p, $r)", connection, transaction);
                var e = Parameters(insertEvent, "$s", "$h", "$k", "$o", "$p", "$r", "$l");
                var i = Parameters(insertIndex, "$s", "$k", "$o", "$p", "$r");
                insertEvent.Prepare();
                insertIndex.Prepare();
                foreach (var row in Rows(events, log))
                {
                    (e[0].Value, e[1].Value, e[2].Value, e[3].Value, e[4].Value, e[5].Value, e[6].Value) = (row.Sequence, row.Hash, row.Kind, row.Occurred, row.Subject, (object?)row.Recipient ?? DBNull.Value, row.Payload);
                    (i[0].Value, i[1].Value, i[2].Value, i[3].Value, i[4].Value) = (row.Sequence, row.Kind, row.Occurred, row.Subject, (object?)row.Recipient ?? DBNull.Value);
                    insertEvent.ExecuteNonQuery();
                    insertIndex.ExecuteNonQuery();
                }

                await transaction.CommitAsync();
            }

            foreach (var ddl in IndexDdl)
            {
                await ExecuteAsync(connection, string.Format(CultureInfo.InvariantCulture, ddl, string.Empty));
            }

            await ExecuteAsync(connection, "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, Marker), Generated(events, watch.Elapsed));
        await log.WriteLineAsync($"// at-size: generated {events:N0} SQLite events in {watch.Elapsed.TotalSeconds:N0} s ({path})");
        return path;
    }

    /// <summary>The connection string and schema of a PostgreSQL trail of <paramref name="events"/> events in the cached cluster, generated on first use.</summary>
    public static async Task<(string ConnectionString, string Schema)> PostgresAsync(long events, TextWriter log)
    {
        var connectionString = await CachedCluster.StartAsync(CacheDirectory("postgres-cluster"));
        var version = await SchemaVersionAsync(BenchmarkStores.PostgreSql, connectionString);
        var schema = $"trail_v{version}_{events}";
        var directory = CacheDirectory($"postgres-v{version}-{events}");
        if (File.Exists(Path.Combine(directory, Marker)))
        {
            return (connectionString, schema);
        }

        var watch = Stopwatch.StartNew();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        }

        await MigrateAsync(BenchmarkStores.PostgreSql, connectionString, schema);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            var prefix = $"\"{schema}\".";
            foreach (var ddl in IndexDdl)
            {
                await ExecuteAsync(connection, $"DROP INDEX {prefix}{ddl.Split(' ')[2]}");
            }

            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await using (var copyEvents = await connection.BeginBinaryImportAsync($"COPY {prefix}pe_audit_events (sequence, hash, kind, occurred_at, subject_pseudonym, recipient, payload) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var row in Rows(events, log))
                    {
                        await copyEvents.StartRowAsync();
                        await copyEvents.WriteAsync(row.Sequence, NpgsqlDbType.Bigint);
                        await copyEvents.WriteAsync(row.Hash, NpgsqlDbType.Text);
                        await copyEvents.WriteAsync(row.Kind, NpgsqlDbType.Text);
                        await copyEvents.WriteAsync(row.Occurred, NpgsqlDbType.Bigint);
                        await copyEvents.WriteAsync(row.Subject, NpgsqlDbType.Text);
                        await WriteNullableAsync(copyEvents, row.Recipient);
                        await copyEvents.WriteAsync(row.Payload, NpgsqlDbType.Text);
                    }

                    await copyEvents.CompleteAsync();
                }

                await ExecuteAsync(connection, $"INSERT INTO {prefix}pe_audit_index (sequence, kind, occurred_at, subject_pseudonym, recipient) SELECT sequence, kind, occurred_at, subject_pseudonym, recipient FROM {prefix}pe_audit_events ORDER BY sequence", transaction);
                await transaction.CommitAsync();
            }

            await ExecuteAsync(connection, "SET maintenance_work_mem = '512MB'");
            foreach (var ddl in IndexDdl)
            {
                await ExecuteAsync(connection, string.Format(CultureInfo.InvariantCulture, ddl, prefix));
            }

            foreach (var maintenance in new[] { $"VACUUM ANALYZE {prefix}pe_audit_events", $"VACUUM ANALYZE {prefix}pe_audit_index", "CHECKPOINT" })
            {
                await ExecuteAsync(connection, maintenance);
            }
        }

        await File.WriteAllTextAsync(Path.Combine(directory, Marker), Generated(events, watch.Elapsed));
        await log.WriteLineAsync($"// at-size: generated {events:N0} PostgreSQL events in {watch.Elapsed.TotalSeconds:N0} s (schema {schema})");
        return (connectionString, schema);
    }

    /// <summary>The generated events in order: sealed decision lines of subjects taken in turn, one second apart.</summary>
    private static IEnumerable<Row> Rows(long events, TextWriter log)
    {
        var subjects = SubjectsFor(events);
        var head = AuditHashChain.GenesisHash;
        string[] recipients = [.. Enumerable.Range(0, 50).Select(r => "recipient-" + r.ToString("D2", CultureInfo.InvariantCulture))];
        for (var sequence = 1L; sequence <= events; sequence++)
        {
            var subject = Pseudonym((sequence * 7919) % subjects);
            var discloses = sequence % 2 == 0;
            var sealedEvent = AuditHashChain.Seal(new AuditEvent
            {
                Timestamp = Start.AddMilliseconds(sequence * 250),
                Kind = sequence % 20 == 0 ? AuditEventKind.ConsentFact : AuditEventKind.Decision,
                Action = discloses ? "decision.disclose" : "decision.collect",
                SubjectPseudonym = subject,
                Recipient = discloses ? recipients[sequence % recipients.Length] : null,
                RecipientKind = discloses ? "ServiceProvider" : null,
                Purpose = "service.provision",
                Categories = ["user.contact.email"],
                PermittedCategories = ["user.contact.email"],
                Ground = discloses ? "Consent" : null,
                Outcome = "Permit",
                ClauseIds = discloses ? ["intro.acceptance", "disclose.consent"] : ["intro.acceptance", "collect.consent"],
                PolicyVersion = "standard@1.0",
                CorrelationId = "gen-" + sequence.ToString(CultureInfo.InvariantCulture),
            }, sequence, head);
            head = sealedEvent.Hash;
            if (sequence % 1_000_000 == 0)
            {
                log.WriteLine($"// at-size: {sequence:N0} of {events:N0} events");
            }

            yield return new Row(sequence, sealedEvent.Hash, sealedEvent.Kind.ToString(), sealedEvent.Timestamp.ToUnixTimeMilliseconds(), subject, sealedEvent.Recipient, Encoding.UTF8.GetString(AuditHashChain.GetLine(sealedEvent)));
        }
    }

    /// <summary>The newest schema version of the store's migrations, read from a throwaway database the library migrated.</summary>
    private static async Task<long> SchemaVersionAsync(string store, string? connectionString)
    {
        if (store == BenchmarkStores.Sqlite)
        {
            var path = BenchmarkStores.NewSqliteFile("version");
            await MigrateAsync(store, "Data Source=" + path, null);
            await using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
            await connection.OpenAsync();
            await using var read = new SqliteCommand("SELECT MAX(version) FROM pe_schema_migrations", connection);
            var version = Convert.ToInt64(await read.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            await connection.CloseAsync();
            File.Delete(path);
            return version;
        }

        var schema = BenchmarkStores.NewSchema("version");
        await MigrateAsync(store, connectionString!, schema);
        await using var pg = new NpgsqlConnection(connectionString);
        await pg.OpenAsync();
        await using var query = new NpgsqlCommand($"SELECT MAX(version) FROM \"{schema}\".pe_schema_migrations", pg);
        var pgVersion = Convert.ToInt64(await query.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        await ExecuteAsync(pg, $"DROP SCHEMA \"{schema}\" CASCADE");
        return pgVersion;
    }

    /// <summary>Creates the library's schema by starting it (its migrations), then stops it.</summary>
    private static async Task MigrateAsync(string store, string connectionString, string? schema)
    {
        var services = new ServiceCollection();
        var builder = services.AddPrivacyEnforcement();
        if (store == BenchmarkStores.Sqlite)
        {
            builder.UseSqlite(connectionString);
        }
        else
        {
            builder.UsePostgreSql(connectionString, o => o.Schema = schema!);
        }

        await using var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        foreach (var hosted in provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    private static string CacheDirectory(string name)
    {
        var directory = Path.Combine(Path.GetFullPath("BenchmarkDotNet.Artifacts"), "at-size", name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static string Generated(long events, TimeSpan took) =>
        string.Create(CultureInfo.InvariantCulture, $"{events} events generated in {took.TotalSeconds:F0} s\n");

    private static SqliteParameter[] Parameters(SqliteCommand command, params string[] names) =>
        [.. names.Select(n => command.Parameters.Add(new SqliteParameter { ParameterName = n }))];

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter import, string? value)
    {
        if (value is null)
        {
            await import.WriteNullAsync();
        }
        else
        {
            await import.WriteAsync(value, NpgsqlDbType.Text);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private readonly record struct Row(long Sequence, string Hash, string Kind, long Occurred, string Subject, string? Recipient, string Payload);

    /// <summary>
    /// A PostgreSQL cluster whose data directory is kept in the cache (initialised once), started for the run on a free
    /// port and stopped when the process exits, so a generated trail survives between runs.
    /// </summary>
    private static class CachedCluster
    {
        private static Task<string>? _started;

        public static Task<string> StartAsync(string root) => _started ??= Task.Run(() => Start(root));

        private static string Start(string root)
        {
            var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl"))).OrderDescending().FirstOrDefault()
                ?? throw new InvalidOperationException("No PostgreSQL binaries under /usr/lib/postgresql.");
            var data = Path.Combine(root, "data");
            var asRoot = Environment.UserName == "root";
            if (asRoot)
            {
                Exec("chown", asRoot: false, "-R", "postgres:postgres", root);
            }

            if (!File.Exists(Path.Combine(data, "PG_VERSION")))
            {
                Exec(Path.Combine(bin, "initdb"), asRoot, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C");
            }

            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                // Left running by a run that did not end normally.
                Exec(Path.Combine(bin, "pg_ctl"), asRoot, "-D", data, "-m", "fast", "-w", "stop");
            }

            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            Exec(Path.Combine(bin, "pg_ctl"), asRoot, "-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "300", "-o",
                $"-p {port} -c unix_socket_directories= -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c max_wal_size=4GB", "start");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Exec(Path.Combine(bin, "pg_ctl"), asRoot, "-D", data, "-m", "fast", "-w", "stop");
            return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Maximum Pool Size=100;Command Timeout=0";
        }

        private static void Exec(string file, bool asRoot, params string[] arguments)
        {
            var start = new ProcessStartInfo(asRoot ? "runuser" : file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in (asRoot ? ["-u", "postgres", "--", file] : Array.Empty<string>()).Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {errors} {output.Result}");
            }
        }
    }
}
