using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Jostle.Scim.Host.Tests;

/// <summary>What a finished command printed and returned.</summary>
public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}

/// <summary>
/// The real, built host as a child process: <c>dotnet Jostle.Scim.Host.dll …</c> from this test's output folder, where
/// the project reference puts the host with its deps.json and runtimeconfig.json (so a fresh clone needs only
/// <c>dotnet test</c>). Output is captured for failure messages.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>The host's root address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The SCIM base address, with a trailing slash.</summary>
    public Uri ScimAddress => new(Address, "scim/v2/");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "Jostle.Scim.Host.dll");

    /// <summary>Starts the server on a free loopback port with the given data folder, and waits until <c>/health</c> answers 200.</summary>
    public static Task<HostProcess> StartServerAsync(TempFolder folder, params string[] extra) =>
        StartServerAsync(folder.Path, ["--data", folder.Data, .. extra]);

    /// <summary>
    /// Starts the server on a free loopback port with the given options (which name its database: <c>--data DIR</c> or
    /// <c>--postgres "…"</c>), and waits until <c>/health</c> answers 200.
    /// </summary>
    public static Task<HostProcess> StartServerAsync(string workingDirectory, IReadOnlyList<string> options) =>
        StartServerAsync(workingDirectory, options, "http", static () => new HttpClientHandler());

    /// <summary>
    /// Starts the server on a free loopback port of <paramref name="scheme"/> with the given options and environment,
    /// and waits until <c>/health</c> answers 200 to a client with the given handler (for https, one that trusts the
    /// test's certificate).
    /// </summary>
    public static async Task<HostProcess> StartServerAsync(string workingDirectory, IReadOnlyList<string> options, string scheme, Func<HttpMessageHandler> handler, IReadOnlyDictionary<string, string>? environment = null)
    {
        var address = new Uri($"{scheme}://127.0.0.1:{FreePort()}/");
        var process = Start(workingDirectory, ["--urls", address.ToString().TrimEnd('/'), "--rate-limit", "0", .. options], environment);
        var host = new HostProcess(process, address);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitUntilHealthyAsync(handler);
        return host;
    }

    /// <summary>Runs a command to completion.</summary>
    public static Task<CliResult> RunAsync(string workingDirectory, params string[] args) => RunAsync(workingDirectory, args, null);

    /// <summary>Runs a command to completion with extra environment variables.</summary>
    public static async Task<CliResult> RunAsync(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        using var process = Start(workingDirectory, args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', args)}' did not finish within {StartTimeout.TotalSeconds} s.");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Sends SIGTERM, as an orchestrator does to stop a container.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Sends SIGKILL: the process gets no chance to clean up.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The host did not exit within {timeout.TotalSeconds} s. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>Waits until a line of the host's output contains <paramref name="text"/> (log lines reach the console asynchronously).</summary>
    public async Task WaitForOutputAsync(string text)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The host did not print '{text}' within {StartTimeout.TotalSeconds} s. Output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    private static Process Start(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        Assert.True(File.Exists(HostDll), $"The host is not built next to the tests: {HostDll}");
        var dotnet = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var variable in new[] { "ASPNETCORE_URLS", "URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS" })
        {
            start.Environment.Remove(variable);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the host.");
    }

    private async Task WaitUntilHealthyAsync(Func<HttpMessageHandler> handler)
    {
        using var http = new HttpClient(handler()) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {_process.ExitCode} before it was healthy. Output:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Address, "health"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The host was not healthy within {StartTimeout.TotalSeconds} s. Output:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A temporary folder for one test's database, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("jostle-host-").FullName;

    public string Data => System.IO.Path.Combine(Path, "data");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
