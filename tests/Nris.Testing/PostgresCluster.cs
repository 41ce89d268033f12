using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Nris.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster in a temporary directory on a free loopback port, started with the
/// machine's <c>initdb</c>/<c>pg_ctl</c>. Tests run against a real server (no Docker on these machines) and
/// the whole cluster is removed on dispose. Durability is switched off: the data is thrown away anyway.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The superuser created by initdb; trust authentication, loopback only.</summary>
    public const string Superuser = "postgres";

    private const string NonRootUser = "nris-test";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(120);

    private readonly string _binDirectory;
    private readonly string? _runAs;
    private bool _disposed;

    private PostgresCluster(string directory, string binDirectory, string? runAs, int port)
    {
        DirectoryPath = directory;
        _binDirectory = binDirectory;
        _runAs = runAs;
        Port = port;
    }

    /// <summary>The temporary directory holding data, socket and log; removed on dispose.</summary>
    public string DirectoryPath { get; }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The server log (initdb and postgres output).</summary>
    public string LogPath => Path.Combine(DirectoryPath, "postgres.log");

    private string DataPath => Path.Combine(DirectoryPath, "data");

    private string SocketPath => Path.Combine(DirectoryPath, "sock");

    /// <summary>Initializes and starts a new cluster.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, or the cluster did not start.</exception>
    public static async Task<PostgresCluster> StartAsync(CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory(Environment.GetEnvironmentVariable("PATH"), DebianRoot);
        var runAs = IsRoot() ? await EnsureNonRootUserAsync(cancellationToken) : null;

        var directory = Path.Combine(Path.GetTempPath(), "nris-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var cluster = new PostgresCluster(directory, bin, runAs, 0);
        try
        {
            Directory.CreateDirectory(cluster.SocketPath);
            // Created before the chown so that the server (pg_ctl -l) can write to it as the cluster user.
            await File.WriteAllTextAsync(cluster.LogPath, string.Empty, cancellationToken);
            if (runAs is not null)
            {
                // initdb refuses to run as root, so the cluster belongs to an unprivileged user, who must own its files.
                await cluster.RunAsync("chown", ["-R", runAs + ":", directory], asClusterUser: false, cancellationToken);
            }

            await cluster.RunAsync(
                Path.Combine(bin, "initdb"),
                ["-D", cluster.DataPath, "-A", "trust", "-U", Superuser, "--no-sync", "-E", "UTF8", "--locale=C"],
                asClusterUser: true,
                cancellationToken);

            // The port is free when we look and could be taken before postgres binds it; another port then usually works.
            const int attempts = 3;
            for (var attempt = 1; ; attempt++)
            {
                cluster.Port = FreeLoopbackPort();
                try
                {
                    await cluster.PgCtlStartAsync(cancellationToken);
                    break;
                }
                catch (InvalidOperationException) when (attempt < attempts)
                {
                }
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>An Npgsql connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = Superuser,
            Database = database,
            IncludeErrorDetail = true,
        }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Identifiers cannot be parameters; quoting keeps any test-chosen name harmless.
        command.CommandText = "CREATE DATABASE \"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>Stops the server at once (the data is disposable) and deletes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Pooled connections to a server that is going away would only fail later, in some other test.
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataPath, "postmaster.pid")))
        {
            try
            {
                await RunAsync(
                    Path.Combine(_binDirectory, "pg_ctl"),
                    ["stop", "-D", DataPath, "-m", "immediate", "-w"],
                    asClusterUser: true,
                    CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // Deleting the directory below still happens; a leftover postgres would show in the log.
            }
        }

        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private async Task PgCtlStartAsync(CancellationToken cancellationToken)
    {
        var serverOptions = string.Join(
            ' ',
            "-p " + Port.ToString(CultureInfo.InvariantCulture),
            "-k " + SocketPath,
            "-c listen_addresses=127.0.0.1",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off");
        await RunAsync(
            Path.Combine(_binDirectory, "pg_ctl"),
            ["start", "-D", DataPath, "-w", "-t", "60", "-l", LogPath, "-o", serverOptions],
            asClusterUser: true,
            cancellationToken);
    }

    private async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asClusterUser, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asClusterUser && _runAs is not null)
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(_runAs);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(file);
        }
        else
        {
            start.FileName = file;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var (exitCode, output) = await ExecuteAsync(start, cancellationToken);
        var commandLine = start.FileName + " " + string.Join(' ', start.ArgumentList);
        AppendLog(commandLine, output);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{commandLine}' exited with {exitCode.ToString(CultureInfo.InvariantCulture)}.\n" +
                $"Last lines of {LogPath}:\n{Tail(LogPath, 30)}");
        }
    }

    // pg_ctl -l writes the server log to the same file, as the cluster user; when that is another user the
    // test process may lack write access, so losing our own lines there is acceptable.
    private void AppendLog(string commandLine, string output)
    {
        try
        {
            File.AppendAllText(LogPath, "$ " + commandLine + "\n" + output + "\n");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task<(int ExitCode, string Output)> ExecuteAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start '{start.FileName}'.");
        // Read both streams while waiting: a full pipe would block the child (pg_ctl keeps writing on slow starts).
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Where Debian installs server binaries, one directory per major version.</summary>
    public const string DebianRoot = "/usr/lib/postgresql";

    /// <summary>
    /// The directory holding both <c>initdb</c> and <c>pg_ctl</c>: the first on <paramref name="pathVariable"/>, else the
    /// highest version under <paramref name="debianRoot"/> (Debian keeps the server binaries off PATH).
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither place has them; the message says how to install PostgreSQL.</exception>
    public static string FindBinDirectory(string? pathVariable, string debianRoot)
    {
        foreach (var directory in (pathVariable ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")))
            {
                return directory;
            }
        }

        if (Directory.Exists(debianRoot))
        {
            var best = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
                .Where(x => x.Version is not null && File.Exists(Path.Combine(x.Dir, "initdb")) && File.Exists(Path.Combine(x.Dir, "pg_ctl")))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (best.Dir is not null)
            {
                return best.Dir;
            }
        }

        throw new InvalidOperationException(
            $"PostgreSQL is not installed: apt-get install postgresql (initdb and pg_ctl were found neither on PATH nor under {debianRoot}/*/bin).");
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var v) ? v : null;

    private static bool IsRoot() => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    private static readonly SemaphoreSlim UserLock = new(1, 1);

    // Prefer the distribution's own postgres account; otherwise create a system user with no home and no login.
    private static async Task<string> EnsureNonRootUserAsync(CancellationToken cancellationToken)
    {
        await UserLock.WaitAsync(cancellationToken);
        try
        {
            foreach (var user in new[] { "postgres", NonRootUser })
            {
                if ((await ExecuteAsync(new ProcessStartInfo("id", ["-u", user]) { RedirectStandardOutput = true, RedirectStandardError = true }, cancellationToken)).ExitCode == 0)
                {
                    return user;
                }
            }

            var (exitCode, output) = await ExecuteAsync(
                new ProcessStartInfo("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", NonRootUser])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                },
                cancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"Running as root, and could not create user '{NonRootUser}' for initdb: {output}");
            }

            return NonRootUser;
        }
        finally
        {
            UserLock.Release();
        }
    }

    private static string Tail(string path, int lines)
    {
        try
        {
            var all = File.ReadAllLines(path, Encoding.UTF8);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException e)
        {
            return "(no log: " + e.Message + ")";
        }
        catch (UnauthorizedAccessException e)
        {
            return "(no log: " + e.Message + ")";
        }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
