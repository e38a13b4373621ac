using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Jostle.Scim.TestSupport;

/// <summary>
/// The PostgreSQL server the tests use, one per test process: the server named by <c>JOSTLE_SCIM_POSTGRES</c> (a connection
/// string whose user may create databases), or else a throwaway cluster started here from the local PostgreSQL
/// binaries (initdb and pg_ctl on PATH or under /usr/lib/postgresql/*/bin) and stopped and deleted when the run ends.
/// Without either, every PostgreSQL test fails with a message saying how to provide one; none is skipped.
/// Shared by source: the EF Core tests and the host tests link this one file (a Compile item in each test project).
/// </summary>
internal sealed class PostgresServer
{
    public const string Variable = "JOSTLE_SCIM_POSTGRES";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private PostgresServer(string adminConnectionString) => AdminConnectionString = adminConnectionString;

    /// <summary>A connection string to the server's maintenance database, as a user that may create databases.</summary>
    public string AdminConnectionString { get; }

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A unique name for a database of one test class (lower case, within PostgreSQL's 63 characters).</summary>
    public static string NewDatabaseName(string purpose) => $"jostle_{purpose}_{Guid.NewGuid():N}".ToLowerInvariant();

    /// <summary>The connection string of <paramref name="database"/> on this server (it need not exist yet).</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string database)
    {
        await ExecuteAsync($"CREATE DATABASE \"{database}\"");
        return ConnectionStringFor(database);
    }

    /// <summary>Drops a database, closing the sessions still on it.</summary>
    public async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var server = new PostgresServer(configured);
            try
            {
                await server.ExecuteAsync("SELECT 1");
            }
            catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidOperationException($"{Variable} is set, but PostgreSQL cannot be reached with it: {e.Message}", e);
            }

            return server;
        }

        var cluster = ThrowawayCluster.Start();
        return new PostgresServer(cluster.AdminConnectionString);
    }

    /// <summary>A PostgreSQL cluster in a temporary folder, on a free loopback port, removed when the process exits.</summary>
    private sealed class ThrowawayCluster
    {
        private const string HowToProvide =
            "The PostgreSQL tests need a PostgreSQL server. Either set " + Variable + " to a connection string of a server " +
            "whose user may CREATE DATABASE (e.g. \"Host=127.0.0.1;Port=5432;Username=postgres;Password=secret\"), or install " +
            "PostgreSQL (e.g. `apt-get install postgresql`) so that initdb and pg_ctl are on PATH or under " +
            "/usr/lib/postgresql/*/bin and the tests start a throwaway cluster themselves.";

        private readonly string _binaries;
        private readonly string _folder;
        private readonly bool _asPostgresUser;

        private ThrowawayCluster(string binaries, string folder, bool asPostgresUser)
        {
            (_binaries, _folder, _asPostgresUser) = (binaries, folder, asPostgresUser);
        }

        public string AdminConnectionString { get; private set; } = "";

        public static ThrowawayCluster Start()
        {
            var binaries = FindBinaries()
                ?? throw new InvalidOperationException(HowToProvide + " (Neither " + Variable + " is set nor initdb/pg_ctl found.)");
            var folder = Path.Combine("/tmp", $"jostle-scim-pg-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            var cluster = new ThrowawayCluster(binaries, folder, string.Equals(Environment.UserName, "root", StringComparison.Ordinal));
            try
            {
                cluster.Initialise();
            }
            catch
            {
                cluster.Stop();
                throw;
            }

            cluster.StartWatchdog();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
            return cluster;
        }

        private void Initialise()
        {
            if (_asPostgresUser)
            {
                // initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
                Run("chown", ["postgres:postgres", _folder], asPostgres: false);
            }

            var data = Path.Combine(_folder, "data");
            Run(Path.Combine(_binaries, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], _asPostgresUser);
            var port = FreePort();
            Run(Path.Combine(_binaries, "pg_ctl"),
                ["-D", data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
                 "-o", $"-p {port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                 "start"],
                _asPostgresUser);
            AdminConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
        }

        /// <summary>
        /// A detached shell that stops and deletes the cluster once this test process is gone, however it ends (the test
        /// host may be killed before ProcessExit handlers finish).
        /// </summary>
        private void StartWatchdog()
        {
            var pgCtl = Path.Combine(_binaries, "pg_ctl");
            var data = Path.Combine(_folder, "data");
            var stop = _asPostgresUser ? $"runuser -u postgres -- '{pgCtl}'" : $"'{pgCtl}'";
            var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; " +
                $"[ -f '{data}/postmaster.pid' ] && {stop} -D '{data}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{_folder}'";
            var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
            foreach (var part in new[] { "bash", "-c", script })
            {
                start.ArgumentList.Add(part);
            }

            Process.Start(start)?.Dispose();
        }

        private void Stop()
        {
            try
            {
                var data = Path.Combine(_folder, "data");
                if (File.Exists(Path.Combine(data, "postmaster.pid")))
                {
                    Run(Path.Combine(_binaries, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], _asPostgresUser);
                }
            }
            catch (InvalidOperationException)
            {
                // Best effort: the folder is removed below either way.
            }

            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the temp cleaner.
            }
        }

        private static string? FindBinaries()
        {
            var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
            if (onPath is not null)
            {
                return onPath;
            }

            return Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .Select(version => Path.Combine(version, "bin"))
                    .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                    .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
                    .FirstOrDefault()
                : null;
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static void Run(string program, string[] arguments, bool asPostgres)
        {
            var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (asPostgres)
            {
                foreach (var part in new[] { "-u", "postgres", "--", program })
                {
                    start.ArgumentList.Add(part);
                }
            }

            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            string output;
            int exitCode;
            try
            {
                using var process = Process.Start(start)!;
                var stderr = process.StandardError.ReadToEndAsync();
                output = process.StandardOutput.ReadToEnd() + stderr.Result;
                process.WaitForExit();
                exitCode = process.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException($"{HowToProvide} (Could not run {start.FileName}: {e.Message})", e);
            }

            if (exitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{HowToProvide} (Starting a throwaway cluster failed: `{program} {string.Join(' ', arguments)}` exited with {exitCode}: {output.Trim()})");
            }
        }
    }
}
