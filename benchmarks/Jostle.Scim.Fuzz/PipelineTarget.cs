using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Fuzz;

/// <summary>
/// Requests through the whole in-memory HTTP pipeline (TestServer, the in-memory stores, one tenant): a status of 500
/// or more is a crash. The host is rebuilt every <see cref="Recycle"/> requests so the stores stay small.
/// </summary>
internal static class PipelineTarget
{
    private const int Recycle = 5000;
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    private static Host? _host;
    private static int _served;

    /// <summary>
    /// <c>METHOD PATH[?QUERY]</c> on the first line (the path relative to the SCIM base; <c>{user}</c> and
    /// <c>{group}</c> stand for a seeded User and Group), the request body after it.
    /// </summary>
    public static void Http(byte[] bytes)
    {
        var newline = Array.IndexOf(bytes, (byte)'\n');
        var line = Encoding.UTF8.GetString(bytes, 0, newline < 0 ? bytes.Length : newline);
        Send(line, newline < 0 ? [] : bytes[(newline + 1)..]);
    }

    /// <summary>Sends <paramref name="body"/> with the request line <paramref name="line"/>; crashes on a 5xx.</summary>
    public static void Send(string line, byte[] body)
    {
        // Some instrumented code on every path: afl-fuzz aborts on a seed that shows no coverage at all, and an input
        // refused below (a request line no server passes on) would otherwise be one.
        ScimProtocol.IsAcceptedContentType(ScimProtocol.MediaType);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || Array.IndexOf(Methods, line[..space]) < 0 || line.Any(char.IsControl))
        {
            return; // Not a request line a server passes on: Kestrel (and the test client) refuse control characters.
        }

        var host = _host;
        if (host is null || _served++ % Recycle == 0)
        {
            host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            host = _host = Host.StartAsync().GetAwaiter().GetResult();
        }

        var target = line[(space + 1)..].TrimStart('/').Replace("{user}", host.UserId, StringComparison.Ordinal).Replace("{group}", host.GroupId, StringComparison.Ordinal);
        HttpRequestMessage request;
        try
        {
            // Appended to the base as text: resolved as a relative reference, "Users:x/y" would be an absolute URI of
            // scheme "Users" that never reaches the SCIM endpoints.
            request = new HttpRequestMessage(new HttpMethod(line[..space]), new Uri(host.Client.BaseAddress!.AbsoluteUri + target));
        }
        catch (UriFormatException)
        {
            return; // Not a request a client could send.
        }

        if (Uri.UnescapeDataString(request.RequestUri!.AbsolutePath).Contains('\0', StringComparison.Ordinal))
        {
            request.Dispose();
            return; // %00 in the path: Kestrel answers 400 before any middleware (the test client throws); in the query it is fine.
        }

        using (request)
        {
            if (body.Length > 0 || request.Method != HttpMethod.Get)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/scim+json");
            }

            using var response = host.Client.SendAsync(request).GetAwaiter().GetResult();
            var status = (int)response.StatusCode;

            // 501 is the documented answer of an optional feature not offered (/Me without a resolver, RFC 7644 §3.11).
            if (status >= 500 && status != 501)
            {
                var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                throw new FuzzInvariantException($"{line} answered {status}: {text}\n{host.LastError}");
            }

            if (status >= 400)
            {
                CheckError(line, status, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            }
        }
    }

    /// <summary>Every 4xx is a SCIM error (RFC 7644 §3.12): the Error schema, the status as a string, a detail to act on.</summary>
    private static void CheckError(string line, int status, string text)
    {
        JsonObject? error = null;
        try
        {
            error = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        if (error is null
            || error["schemas"] is not JsonArray schemas || !schemas.Any(s => s?.GetValue<string>() == "urn:ietf:params:scim:api:messages:2.0:Error")
            || error["status"]?.GetValue<string>() != status.ToString(System.Globalization.CultureInfo.InvariantCulture)
            || string.IsNullOrWhiteSpace(error["detail"]?.GetValue<string>()))
        {
            throw new FuzzInvariantException($"{line} answered {status} without a SCIM error body: {text}");
        }
    }

    private sealed class Host(WebApplication app, HttpClient client, string userId, string groupId, ErrorCapture errors) : IAsyncDisposable
    {
        public HttpClient Client => client;

        public string UserId => userId;

        public string GroupId => groupId;

        public string? LastError => errors.Last;

        public static async Task<Host> StartAsync()
        {
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            var errors = new ErrorCapture();
            builder.Logging.AddProvider(errors);
            builder.Services.AddAuthentication(FuzzAuthHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, FuzzAuthHandler>(FuzzAuthHandler.SchemeName, _ => { });
            builder.Services.AddJostleScim(o =>
            {
                o.RateLimit.RequestsPerSecond = 0;
                o.MaxBulkOperations = 100;
            }).AddInMemoryStores();
            var app = builder.Build();
            app.MapJostleScim("/scim/v2");
            await app.StartAsync();
            var client = app.GetTestClient();
            client.BaseAddress = new Uri("http://localhost/scim/v2/");
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "fuzz");
            var userId = await CreateAsync(client, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","externalId":"b1","name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bj@example.com","type":"work","primary":true}],"active":true}""");
            var otherId = await CreateAsync(client, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice","active":false}""");
            var groupId = await CreateAsync(client, "Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides","members":[{"value":"{{userId}}"},{"value":"{{otherId}}"}]}""");
            return new Host(app, client, userId, groupId, errors);
        }

        private static async Task<string> CreateAsync(HttpClient client, string endpoint, string json)
        {
            using var response = await client.PostAsync(endpoint, new StringContent(json, Encoding.UTF8, "application/scim+json"));
            var text = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode
                ? JsonNode.Parse(text)!["id"]!.GetValue<string>()
                : throw new InvalidOperationException($"Seeding {endpoint} failed: {text}");
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await app.DisposeAsync();
        }
    }

    /// <summary>Keeps the last exception logged (the 500's cause), so a crash report names it.</summary>
    private sealed class ErrorCapture : ILoggerProvider, ILogger
    {
        public string? Last { get; private set; }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null && logLevel >= LogLevel.Error)
            {
                Last = exception.ToString();
            }
        }

        public void Dispose()
        {
        }
    }

    /// <summary><c>Authorization: Bearer {tenant}</c> authenticates a caller of that tenant.</summary>
    private sealed class FuzzAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Fuzz";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "fuzz"), new Claim("scim:tenant", header[7..].Trim())], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
