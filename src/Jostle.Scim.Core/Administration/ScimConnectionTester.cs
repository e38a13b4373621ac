using System.Globalization;
using System.Net;
using System.Text.Json;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Administration;

/// <summary>The identity providers whose first requests <see cref="ScimConnectionTester"/> can replay.</summary>
public enum ScimProviderKind
{
    /// <summary>Microsoft Entra ID: Test Connection sends <c>GET /Users?filter=userName eq "&lt;random guid&gt;"</c> and expects 200 with an empty ListResponse.</summary>
    EntraId = 0,

    /// <summary>Okta: sends <c>GET /Users?startIndex=1&amp;count=2</c> and <c>GET /Groups?startIndex=1&amp;count=100</c> and expects integer paging fields.</summary>
    Okta,
}

/// <summary>One request of a connection test and the verdict on its answer.</summary>
/// <param name="Request">The request, e.g. <c>GET /scim/v2/Users?startIndex=1&amp;count=2</c>.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="Passed">Whether the answer is what the provider expects.</param>
/// <param name="Verdict">The verdict in words, saying what the provider would do with the answer.</param>
public sealed record ScimConnectionTestStep(string Request, int Status, bool Passed, string Verdict);

/// <summary>The result of a connection test.</summary>
/// <param name="Provider">The provider whose requests were sent.</param>
/// <param name="Passed">Whether every step passed.</param>
/// <param name="Steps">The steps, in order.</param>
public sealed record ScimConnectionTestResult(ScimProviderKind Provider, bool Passed, IReadOnlyList<ScimConnectionTestStep> Steps);

/// <summary>
/// Runs the requests an identity provider sends first through the app's real request pipeline (authentication, tenant,
/// rate limit, endpoints — the same delegate Kestrel calls, invoked in process with a synthetic <see cref="HttpContext"/>)
/// and says in words whether each answer is what that provider expects. The test requests are not written to the
/// provisioning log (the console records that a test ran instead).
/// </summary>
public sealed class ScimConnectionTester
{
    private readonly ScimPipelineCapture _pipeline;
    private readonly IServiceScopeFactory _scopes;
    private readonly ScimAdministrationOptions _options;
    private readonly ScimApiKeyManager? _keys;
    private readonly ScimAdministrationAudit _audit;
    private readonly TimeProvider _time;

    internal ScimConnectionTester(ScimPipelineCapture pipeline, IServiceScopeFactory scopes, IOptions<ScimAdministrationOptions> options, ScimAdministrationAudit audit, TimeProvider time, ScimApiKeyManager? keys)
    {
        _pipeline = pipeline;
        _scopes = scopes;
        _options = options.Value;
        _audit = audit;
        _time = time;
        _keys = keys;
    }

    /// <summary>Runs a provider's first requests with a token the admin holds (an API key or an OAuth access token).</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="token">The bearer token, as it would be entered in the provider.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>The verdicts.</returns>
    /// <exception cref="InvalidOperationException">The app has not started yet (no request pipeline was built).</exception>
    public async Task<ScimConnectionTestResult> TestAsync(ScimProviderKind provider, string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var steps = new List<ScimConnectionTestStep>();
        if (provider == ScimProviderKind.EntraId)
        {
            var filter = $"userName eq \"{Guid.NewGuid()}\"";
            var (status, body, detail) = await SendAsync("/Users", QueryString.Create("filter", filter), token, cancellationToken).ConfigureAwait(false);
            steps.Add(JudgeEntra($"GET {_options.ScimPath}/Users?filter={filter}", status, body, detail));
        }
        else
        {
            foreach (var (resource, count) in new[] { ("Users", 2), ("Groups", 100) })
            {
                var query = QueryString.Create(new KeyValuePair<string, string?>[] { new("startIndex", "1"), new("count", count.ToString(CultureInfo.InvariantCulture)) });
                var (status, body, detail) = await SendAsync("/" + resource, query, token, cancellationToken).ConfigureAwait(false);
                steps.Add(JudgeOkta($"GET {_options.ScimPath}/{resource}{query}", resource, status, body, detail));
            }
        }

        return new ScimConnectionTestResult(provider, steps.TrueForAll(s => s.Passed), steps);
    }

    /// <summary>
    /// Runs a provider's first requests for a tenant without the admin's key: creates a key for <paramref name="actor"/> that
    /// expires in five minutes, runs <see cref="TestAsync(ScimProviderKind, string, CancellationToken)"/> with it, revokes it,
    /// and records the test in the tenant's log.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="actor">The automation user the temporary key acts as.</param>
    /// <param name="provider">The provider.</param>
    /// <param name="consoleUser">The console user running the test.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>The verdicts.</returns>
    /// <exception cref="InvalidOperationException">API keys are not configured, or the app has not started.</exception>
    public async Task<ScimConnectionTestResult> TestTenantAsync(string tenantId, string actor, ScimProviderKind provider, string consoleUser, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleUser);
        var keys = _keys ?? throw new InvalidOperationException("API keys are not configured (AddApiKeys was not called); test with a token instead.");
        var created = await keys.CreateAsync(tenantId, actor, "connection test by " + consoleUser, _time.GetUtcNow().AddMinutes(5), cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await TestAsync(provider, created.PlaintextKey, cancellationToken).ConfigureAwait(false);
            await _audit.RecordAsync(tenantId, consoleUser, ScimAdministrationAction.ConnectionTested, created.Key.KeyId,
                $"Test connection as {provider} with a temporary key: {(result.Passed ? "passed" : "failed")} ({string.Join("; ", result.Steps.Select(s => s.Request + " → " + s.Status))}).", cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            await keys.RevokeAsync(created.Key.KeyId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<(int Status, JsonElement? Body, string? Detail)> SendAsync(string resourcePath, QueryString query, string token, CancellationToken cancellationToken)
    {
        var pipeline = _pipeline.Pipeline ?? throw new InvalidOperationException("The app's request pipeline has not been built yet; run the connection test after the app has started.");
        await using var scope = _scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = HttpMethods.Get;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("localhost");
        context.Request.Path = _options.ScimPath.TrimEnd('/') + resourcePath;
        context.Request.QueryString = query;
        context.Request.Headers.Authorization = "Bearer " + token;
        context.Request.Headers.Accept = "application/scim+json";
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Connection.LocalIpAddress = IPAddress.Loopback;
        context.Items[ScimPipelineCapture.ConnectionTestItem] = true;
        using var body = new MemoryStream();
        context.Response.Body = body;
        context.RequestAborted = cancellationToken;
        await pipeline(context).ConfigureAwait(false);
        await context.Response.CompleteAsync().ConfigureAwait(false);
        JsonElement? json = null;
        string? detail = null;
        if (body.Length > 0)
        {
            try
            {
                json = JsonDocument.Parse(body.ToArray()).RootElement.Clone();
                detail = json.Value.ValueKind == JsonValueKind.Object && json.Value.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            }
            catch (JsonException)
            {
                detail = "The answer is not JSON.";
            }
        }

        return (context.Response.StatusCode, json, detail);
    }

    private static ScimConnectionTestStep JudgeEntra(string request, int status, JsonElement? body, string? detail)
    {
        if (status != 200)
        {
            return new(request, status, false, Failure(status, detail, "Entra ID's Test Connection fails (a 404 here puts the provisioning job into quarantine)."));
        }

        if (!IsListResponse(body, out var problem))
        {
            return new(request, status, false, "The answer is 200 but not a SCIM ListResponse: " + problem);
        }

        var total = body!.Value.GetProperty("totalResults").GetInt32();
        return total == 0
            ? new(request, status, true, "200 with an empty ListResponse (totalResults 0): what Entra ID expects for a user that does not exist. Test Connection will succeed.")
            : new(request, status, false, $"The filter on a random userName matched {total} users: the server does not apply userName filters, and Entra ID would match the wrong users.");
    }

    private static ScimConnectionTestStep JudgeOkta(string request, string resource, int status, JsonElement? body, string? detail)
    {
        if (status != 200)
        {
            var consequence = resource == "Groups" && status == 404
                ? "Okta's group push fails; the server does not serve Groups (fine if only users are provisioned — untick Push Groups in Okta)."
                : "Okta's 'Test API Credentials' fails.";
            return new(request, status, false, Failure(status, detail, consequence));
        }

        if (!IsListResponse(body, out var problem))
        {
            return new(request, status, false, "The answer is 200 but not a SCIM ListResponse: " + problem);
        }

        var document = body!.Value;
        foreach (var name in new[] { "totalResults", "startIndex", "itemsPerPage" })
        {
            if (!document.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out _))
            {
                return new(request, status, false, $"'{name}' is missing or not an integer; Okta's import stops on it.");
            }
        }

        return new(request, status, true, string.Create(CultureInfo.InvariantCulture, $"200 with a ListResponse whose totalResults ({document.GetProperty("totalResults").GetInt32()}), startIndex and itemsPerPage are integers: what Okta expects for {resource}."));
    }

    private static string Failure(int status, string? detail, string consequence) => status switch
    {
        401 => $"401: the key was refused — {detail ?? "no detail"} {consequence}",
        403 => $"403: the key is valid but not allowed here — {detail} {consequence}",
        404 => $"404: {detail ?? "not found"} Check the Tenant URL ends with the SCIM path. {consequence}",
        429 => $"429: the tenant's rate limit refused the request; try again in a moment. {consequence}",
        _ => $"{status}: {detail ?? "unexpected answer"}. {consequence}",
    };

    private static bool IsListResponse(JsonElement? body, out string problem)
    {
        problem = "";
        if (body is not { ValueKind: JsonValueKind.Object } document)
        {
            problem = "the body is not a JSON object.";
            return false;
        }

        if (!document.TryGetProperty("schemas", out var schemas) || schemas.ValueKind != JsonValueKind.Array
            || !schemas.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && s.GetString() == "urn:ietf:params:scim:api:messages:2.0:ListResponse"))
        {
            problem = "its schemas do not name urn:ietf:params:scim:api:messages:2.0:ListResponse.";
            return false;
        }

        if (!document.TryGetProperty("totalResults", out var total) || total.ValueKind != JsonValueKind.Number || !total.TryGetInt32(out _))
        {
            problem = "totalResults is missing or not an integer.";
            return false;
        }

        return true;
    }
}

/// <summary>Holds the app's whole request pipeline, captured by <see cref="ScimPipelineStartupFilter"/> when the app builds it.</summary>
internal sealed class ScimPipelineCapture
{
    /// <summary>The <see cref="HttpContext.Items"/> key marking a connection-test request (kept out of the provisioning log).</summary>
    public static readonly object ConnectionTestItem = new();

    public RequestDelegate? Pipeline { get; set; }

    public static bool IsConnectionTest(HttpContext context) => context.Items.ContainsKey(ConnectionTestItem);
}

/// <summary>Adds a first middleware that keeps the delegate of the rest of the pipeline: everything the app configured.</summary>
internal sealed class ScimPipelineStartupFilter(ScimPipelineCapture capture) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(rest =>
        {
            capture.Pipeline = rest;
            return rest;
        });
        next(app);
    };
}
