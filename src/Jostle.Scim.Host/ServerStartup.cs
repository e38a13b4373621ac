using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;

namespace Jostle.Scim.Host;

/// <summary>
/// Runs the SCIM server: SCIM at <see cref="ScimHostOptions.BasePath"/> behind API keys, <see cref="ScimHostOptions.HealthPath"/>
/// for orchestrators (anonymous, outside the SCIM route group), console logs, and a graceful stop.
/// </summary>
internal static partial class ServerStartup
{
    /// <summary>
    /// How long a stop waits for requests in flight (Entra ID gives a request 60 s, but orchestrators kill a pod 30 s
    /// after SIGTERM by default, so the drain must finish before that).
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(25);

    /// <summary>Runs the server until SIGTERM or Ctrl+C; returns the exit code.</summary>
    public static async Task<int> RunAsync(ScimHostOptions options)
    {
        // Our own command line is parsed by hand; configuration keeps its other sources (appsettings.json,
        // environment variables such as ASPNETCORE_URLS and Logging__LogLevel__…).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        HostLogging.Configure(builder.Logging, options.LogFormat, command: false);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        var configuredUrls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        builder.WebHost.UseUrls(options.Urls ?? (string.IsNullOrWhiteSpace(configuredUrls) ? ScimHostOptions.DefaultUrl : configuredUrls));
        if (options.HttpsCertificatePath is { } certificatePath)
        {
            var certificate = LoadCertificate(certificatePath, options.HttpsCertificatePassword);
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }

        ConfigureForwardedHeaders(builder.Services, options);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        ScimComposition.AddScim(builder.Services, options);
        builder.Services.AddHealthChecks().AddCheck<ScimDatabaseHealthCheck>("database");

        var app = builder.Build();
        await using (app.ConfigureAwait(false))
        {
            if (options.TrustedProxies.Count > 0)
            {
                app.UseForwardedHeaders();
            }

            if (options.PublicUrl is not null)
            {
                app.Use(PublicUrlMiddleware(new Uri(options.PublicUrl)));
            }

            app.UseAuthentication();
            app.UseAuthorization();
            app.MapHealthChecks(ScimHostOptions.HealthPath).AllowAnonymous();
            app.MapJostleScim(ScimHostOptions.BasePath);
            app.MapJostleScimConsole(ScimHostOptions.ConsolePath);

            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Jostle.Scim.Host");
            await ScimComposition.PrepareDatabaseAsync(app.Services, options, app.Lifetime.ApplicationStopping).ConfigureAwait(false);
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new IOException("The server could not start listening", e);
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? options.Urls ?? ScimHostOptions.DefaultUrl;
            var baseUrl = options.PublicUrl is { } publicUrl ? publicUrl + ScimHostOptions.BasePath : ScimHostOptions.PublicAddress(address) + ScimHostOptions.BasePath;
            Log.Listening(logger, baseUrl, options.DatabaseDescription, CommandHint.KeysCreate(options));

            // WaitForShutdownAsync returns after StopAsync: Kestrel has stopped accepting connections and the requests in
            // flight have finished (up to ShutdownTimeout). Disposing the app afterwards disposes the singletons, which
            // is where a buffering provisioning log sink flushes what it holds — after the last request wrote to it.
            await app.WaitForShutdownAsync().ConfigureAwait(false);
            Log.Stopped(logger);
        }

        return 0;
    }

    /// <summary>
    /// <c>--trusted-proxy</c>: ASP.NET Core's forwarded-headers middleware, honouring X-Forwarded-For/-Proto/-Host only
    /// from the given addresses and ranges. The framework trusts loopback by default; the host does not (a local process
    /// could otherwise spoof the public address): loopback is trusted only when named, e.g. <c>--trusted-proxy 127.0.0.1</c>.
    /// </summary>
    internal static void ConfigureForwardedHeaders(IServiceCollection services, ScimHostOptions options) =>
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in options.TrustedProxies)
            {
                if (System.Net.IPAddress.TryParse(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
                else
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
                }
            }
        });

    /// <summary><c>--public-url</c>: every request is seen with the public scheme and host, so Location and meta.location carry them.</summary>
    private static Func<HttpContext, RequestDelegate, Task> PublicUrlMiddleware(Uri publicUrl)
    {
        var host = new HostString(publicUrl.IsDefaultPort ? publicUrl.Host : publicUrl.Authority);
        return (context, next) =>
        {
            context.Request.Scheme = publicUrl.Scheme;
            context.Request.Host = host;
            return next(context);
        };
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(string path, string? password)
    {
        try
        {
            return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new IOException($"Cannot load the certificate {Path.GetFullPath(path)} (a .pfx/.p12 file; is --https-cert-password right?)", e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "SCIM server listening at {BaseUrl} ({Database}). Create an API key with: {KeyCommand}")]
        public static partial void Listening(ILogger logger, string baseUrl, string database, string keyCommand);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "SCIM server stopped; requests in flight finished.")]
        public static partial void Stopped(ILogger logger);
    }
}

/// <summary>The exact command line that runs a command against the same database as this process.</summary>
internal static class CommandHint
{
    /// <summary>The <c>keys create</c> command to print at start-up.</summary>
    public static string KeysCreate(ScimHostOptions options)
    {
        var parts = new List<string> { Launcher(), "keys", "create", "--tenant", "NAME", "--description", "\"Entra ID\"" };
        if (options.PostgresConnectionString is not null)
        {
            parts.Add("--postgres \"<connection string>\""); // never echo a connection string: it may hold a password
        }
        else if (options.DataDirectoryGiven)
        {
            parts.Add("--data " + Quote(options.DataDirectory));
        }

        if (options.Urls is not null)
        {
            parts.Add("--urls " + Quote(options.Urls));
        }

        return string.Join(' ', parts);
    }

    /// <summary>How this program was started: <c>dotnet run --project …</c> from a source checkout, else the dll or the executable.</summary>
    private static string Launcher()
    {
        var project = Path.Combine("src", "Jostle.Scim.Host", "Jostle.Scim.Host.csproj");
        if (File.Exists(project))
        {
            return "dotnet run --project src/Jostle.Scim.Host --";
        }

        var process = Environment.ProcessPath ?? "";
        var assembly = typeof(CommandHint).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? "dotnet " + Quote(assembly)
            : Quote(process);
    }

    private static string Quote(string value) => value.Contains(' ', StringComparison.Ordinal) || value.Contains(';', StringComparison.Ordinal) ? $"\"{value}\"" : value;
}
