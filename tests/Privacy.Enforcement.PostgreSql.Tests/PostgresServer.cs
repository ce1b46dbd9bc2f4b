using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.PostgreSql.Tests;

/// <summary>
/// The PostgreSQL server the tests run against: the one named by <c>PRIVACY_ENFORCEMENT_POSTGRES</c> (a connection
/// string), or else a throwaway cluster this class starts once per test run (initdb into a temp folder, 127.0.0.1 on a
/// free port, socket in the folder) and stops and deletes when the run ends. Where no server can be had, tests are
/// skipped, unless <c>CI</c> is set: then they fail.
/// </summary>
public sealed class PostgresServer
{
    public const string ConnectionStringVariable = "PRIVACY_ENFORCEMENT_POSTGRES";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => Task.Run(() => StartAsync(configured: Environment.GetEnvironmentVariable(ConnectionStringVariable), "privacy_tests")));

    private readonly string? _root;
    private readonly string? _bin;

    private string _options = string.Empty;

    private PostgresServer(string connectionString, string? root, string? bin)
    {
        ConnectionString = connectionString;
        _root = root;
        _bin = bin;
    }

    /// <summary>Gets the connection string of the test database.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets the data directory of a cluster the tests started, or <see langword="null"/> for a configured server.</summary>
    public string? DataDirectory => _root is null ? null : Path.Combine(_root, "data");

    /// <summary>Gets the shared server, starting it on first use; throws <see cref="StoreUnavailableException"/> where tests may skip.</summary>
    public static async Task<PostgresServer> GetAsync()
    {
        try
        {
            return await Shared.Value;
        }
        catch (Exception ex) when (ex is not StoreUnavailableException)
        {
            throw Unavailable("The test PostgreSQL server could not be started: " + ex.Message, ex);
        }
    }

    /// <summary>Starts a private throwaway cluster with extra server settings (for tests that need a misconfigured server).</summary>
    public static async Task<PostgresServer> StartPrivateAsync(params string[] settings)
    {
        try
        {
            return await StartAsync(configured: null, "privacy_tests", settings);
        }
        catch (Exception ex) when (ex is not StoreUnavailableException)
        {
            throw Unavailable("A private PostgreSQL server could not be started: " + ex.Message, ex);
        }
    }

    /// <summary>A connection string to a new, empty schema name in the test database.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N");

    /// <summary>Crashes the server (immediate shutdown: no checkpoint, like a power cut for the server process) and starts it again.</summary>
    public void CrashAndRestart()
    {
        if (_root is null || _bin is null)
        {
            throw new InvalidOperationException("Only a server the tests started can be crashed.");
        }

        NpgsqlConnection.ClearAllPools();
        var data = Path.Combine(_root, "data");
        Run(Path.Combine(_bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop");
        Run(Path.Combine(_bin, "pg_ctl"), "-D", data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "-o", _options, "start");
    }

    public void Stop()
    {
        if (_root is null || _bin is null)
        {
            return;
        }

        try
        {
            NpgsqlConnection.ClearAllPools();
            Run(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the folder still goes.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<PostgresServer> StartAsync(string? configured, string database, params string[] settings)
    {
        if (!string.IsNullOrWhiteSpace(configured) && settings.Length == 0)
        {
            return new PostgresServer(configured, null, null);
        }

        var bin = FindBinaries() ?? throw Unavailable("No PostgreSQL server binaries (initdb, pg_ctl) were found on PATH or under /usr/lib/postgresql/*/bin; install the postgresql package or set " + ConnectionStringVariable + ".");
        var root = Path.Combine(Path.GetTempPath(), "pe-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var server = new PostgresServer(string.Empty, root, bin);
        try
        {
            if (IsRoot())
            {
                // initdb refuses to run as root: the cluster belongs to the postgres user.
                Run("chown", "-R", "postgres:postgres", root);
            }

            var data = Path.Combine(root, "data");
            Run(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
            var port = FreePort();
            var options = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300 " + string.Join(' ', settings.Select(s => "-c " + s));
            Run(Path.Combine(bin, "pg_ctl"), "-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", options, "start");
            var admin = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
                await create.ExecuteNonQueryAsync();
            }

            var started = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Maximum Pool Size=20", root, bin) { _options = options };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => started.Stop();
            return started;
        }
        catch
        {
            server.Stop();
            throw;
        }
    }

    private static StoreUnavailableException Unavailable(string message, Exception? inner = null)
    {
        // On CI the tests must run: a missing server is a failure there, not a skip.
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException(message + " (CI is set, so the PostgreSQL tests fail instead of skipping)", inner);
        }

        return inner is null ? new StoreUnavailableException(message) : new StoreUnavailableException(message, inner);
    }

    private static string? FindBinaries()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        const string Debian = "/usr/lib/postgresql";
        return Directory.Exists(Debian)
            ? Directory.GetDirectories(Debian)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static bool IsRoot() => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string file, params string[] arguments)
    {
        var asPostgres = IsRoot() && file != "chown";
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(file)} timed out.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {errors.Result} {output.Result}");
        }
    }
}
