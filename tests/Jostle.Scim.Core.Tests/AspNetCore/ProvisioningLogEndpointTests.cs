using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Tests.Provisioning;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>Captures every log message (formatted, with its state and exception) of a host.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, EventId EventId, LogLevel Level, string Text)> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => p.Key + "=" + p.Value)) : "";
            provider.Messages.Enqueue((category, eventId, logLevel, formatter(state, exception) + " | " + values + " | " + exception));
        }
    }
}

/// <summary>
/// A bearer scheme shaped like the API key scheme: <c>Bearer key_{tenant}_{secret}</c> authenticates tenant <c>{tenant}</c>
/// as actor <c>robot-{tenant}</c> with key id <c>kid-{tenant}</c>; a tenant ending in <c>-norole</c> gets no role claim.
/// </summary>
internal sealed class KeyLikeAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "KeyLike";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var parts = header.StartsWith("Bearer key_", StringComparison.Ordinal) ? header["Bearer key_".Length..].Split('_') : [];
        if (parts.Length != 2)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var tenant = parts[0];
        var claims = new List<Claim>
        {
            new("scim:tenant", tenant),
            new("scim:actor", "robot-" + tenant),
            new("scim:key", "kid-" + tenant),
        };
        if (!tenant.EndsWith("-norole", StringComparison.Ordinal))
        {
            claims.Add(new Claim("role", "scim"));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
    }
}

internal sealed class DurableLog : IProvisioningLogSink, IProvisioningLogReader
{
    public ValueTask WriteAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask<ProvisioningLogPage> QueryAsync(ProvisioningLogQuery query, CancellationToken cancellationToken = default) => ValueTask.FromResult(new ProvisioningLogPage([], null));
}

internal sealed class ThrowingSink : IProvisioningLogSink
{
    public ValueTask WriteAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default) => throw new InvalidOperationException("sink down");
}

internal sealed class FaultingAsyncSink : IProvisioningLogSink
{
    public async ValueTask WriteAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        throw new InvalidOperationException("async sink down");
    }
}

public sealed class ProvisioningLogEndpointTests : IAsyncLifetime
{
    private const string Secret = "ZK3cretPartOfTheKey9q";
    private const string Password = "Pa55word-Never-Logged!";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private readonly RecordingLoggerProvider _logs = new();
    private ScimTestHost _host = null!;
    private HttpClient _client = null!;

    private InMemoryProvisioningLog Log => _host.Services.GetRequiredService<InMemoryProvisioningLog>();

    public async Task InitializeAsync()
    {
        _host = await StartHostAsync(_logs);
        _client = _host.ClientFor($"key_tenant-a_{Secret}");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    internal static Task<ScimTestHost> StartHostAsync(RecordingLoggerProvider logs, Action<IJostleScimBuilder>? scim = null, Action<JostleScimOptions>? configure = null) =>
        ScimTestHost.StartAsync(
            o =>
            {
                o.AuthorizationPolicy = "scim";
                configure?.Invoke(o);
            },
            b =>
            {
                b.AddInMemoryStores().AddProvisioningLog();
                scim?.Invoke(b);
            },
            services =>
            {
                services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, KeyLikeAuthHandler>(KeyLikeAuthHandler.SchemeName, _ => { });
                services.AddAuthorization(o => o.AddPolicy("scim", p => p.AddAuthenticationSchemes(KeyLikeAuthHandler.SchemeName).RequireAuthenticatedUser().RequireClaim("role", "scim")));
                services.AddSingleton<ILoggerProvider>(logs);
                services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
            });

    private async Task<List<ProvisioningLogEntry>> EntriesAsync(string tenant = "tenant-a") =>
        [.. (await Log.QueryAsync(new ProvisioningLogQuery { Tenant = tenant, PageSize = 1000 })).Entries.Reverse()];

    private static string CorrelationId(HttpResponseMessage response) =>
        Assert.Single(response.Headers.GetValues("X-Correlation-Id"));

    private async Task<(JsonObject User, HttpResponseMessage Response)> CreateUserAsync(string userName, string? externalId = null)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(UserSchema),
            ["userName"] = userName,
            ["password"] = Password,
            ["name"] = new JsonObject { ["givenName"] = "G", ["familyName"] = "F" },
            ["active"] = "True",
        };
        if (externalId is not null)
        {
            body["externalId"] = externalId;
        }

        var response = await _client.PostAsync("Users", Body(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return (JsonNode.Parse(text)!.AsObject(), response);
    }

    [Fact]
    public async Task EveryWriteIsRecordedWithWhoWhatWhichAndHowItEnded()
    {
        var (user, created) = await CreateUserAsync("bjensen", "ext-1");
        var id = user["id"]!.GetValue<string>();
        using var _ = created;

        using var put = await _client.PutAsync($"Users/{id}", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"bjensen2","externalId":"ext-1","active":true}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var patch = await _client.PatchAsync($"Users/{id}", Body($$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}"""));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        using var groupResponse = await _client.PostAsync("Groups", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Admins"}"""));
        var group = await JsonAsync(groupResponse);
        var groupId = group["id"]!.GetValue<string>();
        using var members = await _client.PatchAsync($"Groups/{groupId}", Body($$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{id}}"}]}]}"""));
        Assert.Equal(HttpStatusCode.NoContent, members.StatusCode);
        using var delete = await _client.DeleteAsync($"Users/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        // Reads that succeed are not provisioning events (a userName eq lookup that finds nothing is: the console's duplicate check).
        using var get = await _client.GetAsync($"Groups/{groupId}");
        using var list = await _client.GetAsync("Users?filter=userName sw \"nobody\"");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        var entries = await EntriesAsync();
        Assert.Equal(
            ["Create User 201", "Replace User 200", "Patch User 200", "Create Group 201", "Patch Group 204", "Delete User 204"],
            entries.Select(e => $"{e.Operation} {e.ResourceType} {e.Status}"));
        Assert.All(entries, e =>
        {
            Assert.Equal("tenant-a", e.Tenant);
            Assert.Equal("robot-tenant-a", e.Actor);
            Assert.Equal("kid-tenant-a", e.KeyId);
            Assert.True(e.Succeeded);
            Assert.Null(e.ScimType);
            // The create carried a password (as Okta's does): dropped, and the record says so without the value.
            Assert.Equal(e.ResourceId == id && e.Operation.ToString() == "Create" ? "A password was received and not stored." : null, e.Detail);
            Assert.True(e.Duration >= TimeSpan.Zero);
            Assert.Null(e.BulkId);
        });
        Assert.Equal([id, id, id, groupId, groupId, id], entries.Select(e => e.ResourceId));
        Assert.Equal(("bjensen", "ext-1"), (entries[0].UserName, entries[0].ExternalId));
        Assert.Equal("bjensen2", entries[1].UserName);
        Assert.Equal("bjensen2", entries[2].UserName);
        Assert.Equal("Admins", entries[3].DisplayName);
        Assert.Equal("Admins", entries[4].DisplayName);
        Assert.Equal(ScimCompatibility.StringBooleans, entries[0].CompatibilityRules);
        Assert.Equal(ScimCompatibility.None, entries[1].CompatibilityRules);
        Assert.True(entries[2].CompatibilityRules.HasFlag(ScimCompatibility.CaseInsensitivePatchOp));
        Assert.True(entries[2].CompatibilityRules.HasFlag(ScimCompatibility.StringBooleans));
        Assert.Equal(CorrelationId(created), entries[0].CorrelationId);
        Assert.Equal(CorrelationId(delete), entries[5].CorrelationId);
        Assert.Equal(6, entries.Select(e => e.CorrelationId).Distinct().Count());
    }

    [Fact]
    public async Task FailedRequestsAreRecordedWithStatusScimTypeAndDetail()
    {
        var (_, first) = await CreateUserAsync("taken");
        first.Dispose();
        using var duplicate = await _client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"taken","externalId":"x-9"}"""));
        await AssertErrorAsync(duplicate, 409, "uniqueness");
        using var missing = await _client.GetAsync("Users/does-not-exist");
        await AssertErrorAsync(missing, 404, null);
        using var badFilter = await _client.GetAsync("Groups?filter=displayName zz \"x\"");
        await AssertErrorAsync(badFilter, 400, "invalidFilter");
        using var badPatch = await _client.PatchAsync("Users/nope", Body($$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"active","value":false}]}"""));
        await AssertErrorAsync(badPatch, 404, null);
        using var notAllowed = await _client.PostAsync("ServiceProviderConfig", Body("{}"));
        await AssertErrorAsync(notAllowed, 405, null);

        var failures = (await Log.QueryAsync(new ProvisioningLogQuery { Tenant = "tenant-a", Outcome = ProvisioningOutcomeFilter.Failure })).Entries.Reverse().ToList();
        Assert.Equal(
            ["Create User 409 uniqueness", "Get User 404 ", "Query Group 400 invalidFilter", "Patch User 404 ", "Other  405 "],
            failures.Select(e => $"{e.Operation} {e.ResourceType} {e.Status} {e.ScimType}"));
        Assert.Equal(("taken", "x-9", null), (failures[0].UserName, failures[0].ExternalId, failures[0].ResourceId));
        Assert.Contains("userName", failures[0].Detail, StringComparison.Ordinal);
        Assert.Equal("does-not-exist", failures[1].ResourceId);
        Assert.Equal("nope", failures[3].ResourceId);
        Assert.Equal(CorrelationId(duplicate), failures[0].CorrelationId);
        Assert.All(failures, f => Assert.False(string.IsNullOrEmpty(f.Detail)));
        Assert.Contains(_logs.Messages, m => m.EventId.Id == 11 && m.Level == LogLevel.Information && m.Text.Contains("409 uniqueness", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EachBulkItemIsRecordedWithItsBulkIdAndTheRequestsCorrelationId()
    {
        var json = $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
              {"method":"POST","path":"/Users","bulkId":"u1","data":{"schemas":["{{{UserSchema}}}"],"userName":"bulky","password":"{{{Password}}}"}},
              {"method":"PATCH","path":"/Users/bulkId:u1","data":{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"replace","path":"displayName","value":"Bulky"}]}},
              {"method":"POST","path":"/Users","bulkId":"u2","data":{"schemas":["{{{UserSchema}}}"],"userName":"bulky"}},
              {"method":"DELETE","path":"/Users/missing"}
            ]}
            """;
        using var response = await _client.PostAsync("Bulk", Body(json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = await EntriesAsync();
        Assert.Equal(
            ["Create 201 u1 bulky", "Patch 200  bulky", "Create 409 u2 bulky", "Delete 404  "],
            entries.Select(e => $"{e.Operation} {e.Status} {e.BulkId} {e.UserName}"));
        Assert.All(entries, e => Assert.Equal(CorrelationId(response), e.CorrelationId));
        Assert.Equal(entries[0].ResourceId, entries[1].ResourceId);
        Assert.Equal("missing", entries[3].ResourceId);
        Assert.Equal("uniqueness", entries[2].ScimType);
        Assert.DoesNotContain(entries, e => e.Operation == ProvisioningOperation.Bulk);

        using var tooBig = await _client.PostAsync("Bulk", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":"nope"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Equal(ProvisioningOperation.Bulk, (await EntriesAsync())[^1].Operation);
    }

    [Fact]
    public async Task ASaneIncomingCorrelationIdIsHonouredAndAnyOtherIsReplaced()
    {
        using var sane = new HttpRequestMessage(HttpMethod.Get, "Users/none");
        sane.Headers.Add("X-Correlation-Id", "entra-run:42.a_b-c");
        using var saneResponse = await _client.SendAsync(sane);
        Assert.Equal("entra-run:42.a_b-c", CorrelationId(saneResponse));

        using var insane = new HttpRequestMessage(HttpMethod.Get, "Users/none");
        insane.Headers.TryAddWithoutValidation("X-Correlation-Id", "<script>alert(1)</script>");
        using var insaneResponse = await _client.SendAsync(insane);
        var replaced = CorrelationId(insaneResponse);
        Assert.Matches("^[0-9a-f]{32}$", replaced);

        using var tooLong = new HttpRequestMessage(HttpMethod.Get, "Users/none");
        tooLong.Headers.Add("X-Correlation-Id", new string('a', 65));
        using var tooLongResponse = await _client.SendAsync(tooLong);
        Assert.NotEqual(new string('a', 65), CorrelationId(tooLongResponse));

        Assert.Equal(["entra-run:42.a_b-c", replaced, CorrelationId(tooLongResponse)], (await EntriesAsync()).Select(e => e.CorrelationId));

        using var anonymous = _host.ClientFor(null);
        using var unauthenticated = await anonymous.GetAsync("Users");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", CorrelationId(unauthenticated));
    }

    [Fact]
    public async Task AuthorizationFailuresAreRecordedWhenTheTenantIsKnownAndOnlyCountedOtherwise()
    {
        using var forbiddenClient = _host.ClientFor($"key_tenant-norole_{Secret}");
        using var forbidden = await forbiddenClient.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"x"}"""));
        await AssertErrorAsync(forbidden, 403, null);
        using var anonymous = _host.ClientFor(null);
        using var unauthenticated = await anonymous.GetAsync("Users");
        await AssertErrorAsync(unauthenticated, 401, null);

        var refused = Assert.Single(await EntriesAsync("tenant-norole"));
        Assert.Equal((ProvisioningOperation.Create, "User", 403, "robot-tenant-norole"), (refused.Operation, refused.ResourceType, refused.Status, refused.Actor));
        Assert.Equal(CorrelationId(forbidden), refused.CorrelationId);
        Assert.Single((await Log.QueryAsync(new ProvisioningLogQuery())).Entries);
        Assert.Contains(_logs.Messages, m => m.EventId.Id == 11 && m.Text.Contains("401", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NeitherTheKeyNorThePasswordReachesTheLogSinkOrTheLoggerOutput()
    {
        var (user, created) = await CreateUserAsync("secretive");
        created.Dispose();
        var id = user["id"]!.GetValue<string>();
        using var put = await _client.PutAsync($"Users/{id}", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"secretive","password":"{{Password}}"}"""));
        using var patch = await _client.PatchAsync($"Users/{id}", Body($$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"password","value":"{{Password}}"}]}"""));
        using var failing = await _client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"secretive","password":"{{Password}}"}"""));
        Assert.Equal(HttpStatusCode.Conflict, failing.StatusCode);
        using var wrongKey = _host.ClientFor($"key_tenant-norole_{Secret}");
        using var refused = await wrongKey.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"y","password":"{{Password}}"}"""));

        var sink = JsonSerializer.Serialize((await Log.QueryAsync(new ProvisioningLogQuery { PageSize = 1000 })).Entries);
        Assert.True((await Log.QueryAsync(new ProvisioningLogQuery())).Entries.Count >= 4);
        var logged = string.Join("\n", _logs.Messages.Select(m => m.Text));
        Assert.Contains("robot-tenant-a", sink, StringComparison.Ordinal);
        Assert.Contains("kid-tenant-a", sink, StringComparison.Ordinal);
        Assert.NotEmpty(logged);
        foreach (var text in new[] { sink, logged })
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        }

        // Personal data stays out of the ILogger output too: names are only in the tenant's provisioning log.
        Assert.Contains("secretive", sink, StringComparison.Ordinal);
        Assert.DoesNotContain("secretive", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithRealApiKeysTheKeyIdAndActorAreRecordedAndTheKeyNever()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await ApiKeyTestHost.StartAsync(logs, scim: b => b.AddProvisioningLog());
        var (key, plaintext) = await host.CreateKeyAsync("tenant-k", "azure-automation");
        using var client = host.ClientFor(plaintext);
        using var created = await client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"keyed","password":"{{Password}}"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var failed = await client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"keyed","password":"{{Password}}"}"""));
        Assert.Equal(HttpStatusCode.Conflict, failed.StatusCode);
        await host.Services.GetRequiredService<Jostle.Scim.Keys.ScimApiKeyManager>().RevokeAsync(key.KeyId);
        using var revoked = await client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"late"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        using var stranger = host.ClientFor(plaintext[..^4] + "AAAA");
        using var unknown = await stranger.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"stranger"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        // The revoked key's refusal is in its tenant's log (an admin sees why provisioning stopped); a wrong key names no tenant.
        var entries = (await host.Services.GetRequiredService<IProvisioningLogReader>().QueryAsync(new ProvisioningLogQuery())).Entries;
        Assert.Equal([401, 409, 201], entries.Select(e => e.Status));
        Assert.Equal($"The provisioning token (key {key.KeyId}) was revoked: create a new key and enter it in the identity provider.", entries[0].Detail);
        Assert.Equal(ProvisioningOperation.Create, entries[0].Operation);
        Assert.All(entries, e => Assert.Equal(("tenant-k", "azure-automation", key.KeyId), (e.Tenant, e.Actor, e.KeyId)));
        var sink = JsonSerializer.Serialize(entries);
        var logged = string.Join("\n", logs.Entries);
        Assert.Contains(key.KeyId, logged, StringComparison.Ordinal);
        foreach (var text in new[] { sink, logged })
        {
            Assert.DoesNotContain(plaintext, text, StringComparison.Ordinal);
            Assert.DoesNotContain(plaintext[^20..], text, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CallingTheBuilderMethodsTwiceRecordsEachOperationOnceAndRunsOneNotificationService()
    {
        await using var host = await StartHostAsync(new RecordingLoggerProvider(), b => b.AddProvisioningLog().AddFailureNotifications().AddFailureNotifications());
        using var client = host.ClientFor($"key_tenant-a_{Secret}");
        using var response = await client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"once"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Single((await host.Services.GetRequiredService<IProvisioningLogReader>().QueryAsync(new ProvisioningLogQuery())).Entries);
        Assert.Single(host.Services.GetServices<IProvisioningLogSink>());
        Assert.Single(host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ProvisioningFailureNotificationService>());
        Assert.Single(host.Services.GetServices<IProvisioningFailureNotifier>());
    }

    [Fact]
    public async Task AFailingSinkIsLoggedAndNeverFailsTheRequest()
    {
        var logs = new RecordingLoggerProvider();
        await using var host = await StartHostAsync(logs, b => b.AddProvisioningLogSink<ThrowingSink>().AddProvisioningLogSink<FaultingAsyncSink>());
        using var client = host.ClientFor($"key_tenant-a_{Secret}");
        using var response = await client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"resilient"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Single((await host.Services.GetRequiredService<InMemoryProvisioningLog>().QueryAsync(new ProvisioningLogQuery())).Entries);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (logs.Messages.Count(m => m.EventId.Id == 12) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var sinkErrors = logs.Messages.Where(m => m.EventId.Id == 12).ToList();
        Assert.Equal(2, sinkErrors.Count);
        Assert.Contains(sinkErrors, m => m.Text.Contains("ThrowingSink", StringComparison.Ordinal) && m.Text.Contains("sink down", StringComparison.Ordinal));
        Assert.Contains(sinkErrors, m => m.Text.Contains("FaultingAsyncSink", StringComparison.Ordinal) && m.Text.Contains("async sink down", StringComparison.Ordinal));
        Assert.All(sinkErrors, m => Assert.Equal(LogLevel.Error, m.Level));
    }

    [Fact]
    public async Task TheMeterCountsRequestsAndFailuresAndTimesOperations()
    {
        var scope = _host.Services.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ScimDiagnostics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.Start();

        var (_, created) = await CreateUserAsync("metered");
        created.Dispose();
        using var duplicate = await _client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"metered"}"""));
        using var list = await _client.GetAsync("Users");
        using var anonymous = _host.ClientFor(null);
        using var unauthenticated = await anonymous.GetAsync("Groups");

        var requests = measurements.Where(m => m.Instrument == "jostle.scim.requests").Select(m => $"{m.Tags["scim.operation"]} {m.Tags["scim.resource_type"]} {m.Tags["scim.status_class"]}").ToList();
        Assert.Equal(["create User 2xx", "create User 4xx", "query User 2xx", "query Group 4xx"], requests);
        var failure = Assert.Single(measurements, m => m.Instrument == "jostle.scim.failures" && m.Tags["http.response.status_code"] is 409);
        Assert.Equal("uniqueness", failure.Tags["scim.type"]);
        Assert.Equal(2, measurements.Count(m => m.Instrument == "jostle.scim.failures"));
        Assert.Equal(4, measurements.Count(m => m.Instrument == "jostle.scim.operation.duration" && m.Value >= 0));
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    [Fact]
    public async Task EachOperationIsASpanTaggedWithIdsButNoPersonalData()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ScimDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using var request = new HttpRequestMessage(HttpMethod.Post, "Bulk")
        {
            Content = Body($$$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","bulkId":"s1","data":{"schemas":["{{{UserSchema}}}"],"userName":"spanned"}}]}"""),
        };
        request.Headers.Add("X-Correlation-Id", "span-test-1");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var spans = stopped.Where(a => (string?)a.GetTagItem("scim.correlation_id") == "span-test-1").ToList();
        Assert.Equal(2, spans.Count);
        var item = Assert.Single(spans, s => s.OperationName == "scim create");
        var bulk = Assert.Single(spans, s => s.OperationName == "scim bulk");
        Assert.Same(bulk, item.Parent);
        Assert.Equal("tenant-a", item.GetTagItem("scim.tenant"));
        Assert.Equal("User", item.GetTagItem("scim.resource_type"));
        Assert.Equal("s1", item.GetTagItem("scim.bulk_id"));
        Assert.Equal(201, item.GetTagItem("http.response.status_code"));
        Assert.NotNull(item.GetTagItem("scim.resource_id"));
        Assert.All(spans, s => Assert.DoesNotContain(s.TagObjects, t => Equals(t.Value, "spanned")));
    }

    [Fact]
    public async Task AddProvisioningLogLeavesAnAlreadyRegisteredReaderAsTheLogAndAddsNoInMemoryCopy()
    {
        var durable = new DurableLog();
        var services = new ServiceCollection();
        services.AddSingleton<IProvisioningLogReader>(durable);
        services.AddSingleton<IProvisioningLogSink>(durable);
        services.AddJostleScim().AddProvisioningLog();
        await using var provider = services.BuildServiceProvider();

        Assert.Same(durable, provider.GetRequiredService<IProvisioningLogReader>());
        Assert.Same(durable, Assert.Single(provider.GetServices<IProvisioningLogSink>()));
    }

    [Fact]
    public async Task ABurstOfFailedRequestsReachesTheWebhookAsOneDigestWithoutSlowingTheRequests()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 200);
        var logs = new RecordingLoggerProvider();
        await using var host = await StartHostAsync(logs, b => b.AddFailureNotifications(o =>
        {
            o.WebhookUrl = receiver.Url;
            o.GatherDelay = TimeSpan.FromSeconds(1);
            o.Interval = TimeSpan.FromHours(1);
            o.WebhookInitialBackoff = TimeSpan.FromMilliseconds(50);
        }));
        using var client = host.ClientFor($"key_tenant-a_{Secret}");
        using var first = await client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"dup"}"""));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        for (var i = 0; i < 5; i++)
        {
            using var duplicate = await client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"dup","externalId":"e{{i}}"}"""));
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        }

        using var missing = await client.DeleteAsync("Users/gone");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (receiver.Requests.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(300);
        Assert.Equal(2, receiver.Requests.Count); // one digest: a 500, then its retry
        var digest = JsonNode.Parse(receiver.Requests.Last().Body)!;
        Assert.Equal("tenant-a", digest["tenant"]!.GetValue<string>());
        Assert.Equal(6, digest["totalFailures"]!.GetValue<int>());
        var groups = digest["groups"]!.AsArray();
        Assert.Equal(["Create User 409 uniqueness 5", "Delete User 404  1"], groups.Select(g => $"{g!["operation"]} {g["resourceType"]} {g["status"]} {g["scimType"]} {g["count"]}"));
        Assert.Equal(["e0", "e1", "e2"], groups[0]!["examples"]!.AsArray().Select(e => e!["externalId"]!.GetValue<string>()));
        Assert.DoesNotContain(Secret, receiver.Requests.Last().Body, StringComparison.Ordinal);
        Assert.Contains(logs.Messages, m => m.EventId.Id == 303);
        Assert.Contains(logs.Messages, m => m.EventId.Id == 305);
    }
}
