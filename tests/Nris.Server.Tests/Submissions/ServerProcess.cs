using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Nris.Server.Tests.Submissions;

/// <summary>
/// The built Nris server (<c>Nris.Server.dll</c>, copied next to the test binaries by the project reference) run as a
/// child process on a free loopback port, against a database the test owns. The test kills it with SIGKILL and starts
/// it again on the same database, as a crashed production server would be restarted.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _adminPassword = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public int ProcessId => _process.Id;

    /// <summary>The admin password printed at the first start of an empty database (only then).</summary>
    public Task<string> AdminPassword => _adminPassword.Task;

    /// <summary>What the process wrote to stdout and stderr, for failure messages.</summary>
    public string Output => string.Join('\n', _output.TakeLast(60));

    /// <summary>Starts the server and returns once Kestrel listens (after migration, seeding and the catalogue load).</summary>
    public static async Task<ServerProcess> StartAsync(
        string provider, string connectionString, string directory, CancellationToken ct, IEnumerable<string>? extraArguments = null)
    {
        var binaries = AppContext.BaseDirectory;
        var start = new ProcessStartInfo
        {
            // The muxer that runs this test run (set by `dotnet test`), else the one on PATH.
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet",
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(binaries, "Nris.Server.dll"),
            "--urls=http://127.0.0.1:0",
            "--Nris:Database:Provider=" + provider,
            "--ConnectionStrings:Nris=" + connectionString,
            "--Nris:Ledger:KeyFile=" + Path.Combine(directory, "instance-key.pem"),
            "--Nris:Demo:LoadHistory=false",
            // No demo live connections: nothing here feeds them, and their failing pulls are noise.
            "--Nris:Demo:Connectors=false",
            // The test fires hundreds of submissions from one address; the limit is raised, not removed.
            "--Nris:RateLimits:submission:PermitLimit=100000",
            "--Nris:RateLimits:sign-in:PermitLimit=1000",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            "--Logging:Console:FormatterName=simple",
        })
        {
            start.ArgumentList.Add(argument);
        }
        // Later arguments override earlier ones with the same key (e.g. a fixed --urls for a process that is restarted).
        foreach (var argument in extraArguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, "err");
        process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException("The server exited before it listened."));
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start " + start.FileName);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            server.BaseAddress = await server._listening.Task.WaitAsync(timeout.Token);
        }
        catch (Exception e)
        {
            var output = server.Output;
            await server.DisposeAsync();
            throw new InvalidOperationException("The server process did not start listening:\n" + output, e);
        }
        return server;
    }

    private void OnLine(string? line, string stream)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(stream + ": " + line);
        if (ListeningLine().Match(line) is { Success: true } listening)
        {
            _listening.TrySetResult(new Uri(listening.Groups[1].Value));
        }
        if (AdminLine().Match(line) is { Success: true } admin)
        {
            _adminPassword.TrySetResult(admin.Groups[1].Value);
        }
    }

    /// <summary>
    /// Kills the process with SIGKILL (what <see cref="Process.Kill()"/> sends on Linux) and waits for it; returns the
    /// exit code the runtime reports, 128 + 9 = 137 for a process killed by SIGKILL.
    /// </summary>
    public async Task<int> KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync(CancellationToken.None);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"account 'admin' \(CP\) .*: (\S+)$")]
    private static partial Regex AdminLine();
}
