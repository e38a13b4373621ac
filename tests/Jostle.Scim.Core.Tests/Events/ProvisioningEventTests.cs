using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Events;
using Jostle.Scim.Tests.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.Events;

/// <summary>Every event a handler received, in order.</summary>
public sealed class EventLog
{
    private readonly ConcurrentQueue<ScimProvisioningEvent> _events = new();

    public IReadOnlyList<ScimProvisioningEvent> Events => [.. _events];

    public void Add(ScimProvisioningEvent scimEvent) => _events.Enqueue(scimEvent);

    public void Clear() => _events.Clear();
}

/// <summary>Records every event (a handler of the base type receives them all).</summary>
public sealed class RecordingHandler(EventLog log) : IScimEventHandler<ScimProvisioningEvent>
{
    public Task HandleAsync(ScimProvisioningEvent scimEvent, CancellationToken cancellationToken)
    {
        log.Add(scimEvent);
        return Task.CompletedTask;
    }
}

/// <summary>The log of the handler subscribed to one tenant only.</summary>
public sealed class TenantEventLog
{
    public EventLog Log { get; } = new();
}

/// <summary>Records only the creations of the one tenant it is registered for.</summary>
public sealed class TenantBHandler(TenantEventLog log) : IScimEventHandler<ScimUserCreated>
{
    public Task HandleAsync(ScimUserCreated scimEvent, CancellationToken cancellationToken)
    {
        log.Log.Add(scimEvent);
        return Task.CompletedTask;
    }
}

/// <summary>Fails on every user creation.</summary>
public sealed class ThrowingHandler : IScimEventHandler<ScimUserCreated>
{
    public Task HandleAsync(ScimUserCreated scimEvent, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The welcome mail could not be sent.");
}

/// <summary>Implements only the marker, so it would receive nothing.</summary>
public sealed class MarkerOnlyHandler : IScimEventHandler;

public sealed class ProvisioningEventTests : IAsyncLifetime
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    private readonly CapturingLoggerProvider _logs = new();
    private ScimTestHost _host = null!;
    private EventLog _events = null!;

    public async Task InitializeAsync()
    {
        _host = await ScimTestHost.StartAsync(
            scim: b => b.AddInMemoryStores().AddEventHandler<ThrowingHandler>().AddEventHandler<RecordingHandler>().AddEventHandler<TenantBHandler>("tenant-b"),
            services: s =>
            {
                s.AddSingleton<EventLog>();
                s.AddSingleton<TenantEventLog>();
                s.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
            });
        _events = _host.Services.GetRequiredService<EventLog>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, string? json, HttpStatusCode expected, Action<HttpRequestMessage>? configure = null)
    {
        using var response = await _host.SendAsync(method, path, json, configure);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    private async Task<string> CreateUserAsync(string userName)
    {
        var id = (await _host.CreateUserAsync(userName))["id"]!.GetValue<string>();
        _events.Clear();
        return id;
    }

    private async Task<string> CreateGroupAsync(string displayName, params string[] members)
    {
        var id = (await _host.CreateGroupAsync(displayName, members))["id"]!.GetValue<string>();
        _events.Clear();
        return id;
    }

    private static T Single<T>(IReadOnlyList<ScimProvisioningEvent> events) => Assert.IsType<T>(Assert.Single(events));

    [Fact]
    public async Task CreatingAUserRaisesOneUserCreatedWithTheTenantActorCorrelationAndStoredUser()
    {
        var created = await _host.CreateUserAsync("ada");
        var e = Single<ScimUserCreated>(_events.Events);
        Assert.Equal("tenant-a", e.Tenant);
        Assert.Equal("User", e.ResourceType);
        Assert.Equal(created["id"]!.GetValue<string>(), e.ResourceId);
        Assert.Equal("automation-tenant-a", e.Actor);
        Assert.False(string.IsNullOrEmpty(e.CorrelationId));
        Assert.Null(e.BulkId);
        Assert.Equal("ada", e.Resource.GetProperty("userName").GetString());
    }

    [Fact]
    public async Task ReplacingAUserRaisesOneUserUpdatedWithTheChangedAttributesOldAndNew()
    {
        var id = await CreateUserAsync("grace");
        await SendAsync(HttpMethod.Put, $"Users/{id}", $$"""{"schemas":["{{UserSchema}}"],"userName":"grace","name":{"givenName":"Grace","familyName":"Family"},"active":true,"title":"Admiral"}""", HttpStatusCode.OK);

        var e = Single<ScimUserUpdated>(_events.Events);
        Assert.Equal(id, e.ResourceId);
        Assert.Equal(["name", "title"], e.Changes.Select(c => c.Path).Order());
        var name = e.Changes.Single(c => c.Path == "name");
        Assert.Equal("Given grace", name.OldValue!.Value.GetProperty("givenName").GetString());
        Assert.Equal("Grace", name.NewValue!.Value.GetProperty("givenName").GetString());
        var title = e.Changes.Single(c => c.Path == "title");
        Assert.Null(title.OldValue);
        Assert.Equal("Admiral", title.NewValue!.Value.GetString());
        Assert.Equal("Admiral", e.Resource.GetProperty("title").GetString());
    }

    [Fact]
    public async Task EntrasActiveFalseStringPatchRaisesUserUpdatedThenUserDeactivated()
    {
        var id = await CreateUserAsync("linus");
        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}""", HttpStatusCode.OK);

        Assert.Collection(
            _events.Events,
            e =>
            {
                var change = Assert.Single(Assert.IsType<ScimUserUpdated>(e).Changes);
                Assert.Equal("active", change.Path);
                Assert.Equal(JsonValueKind.True, change.OldValue!.Value.ValueKind);
                Assert.Equal(JsonValueKind.False, change.NewValue!.Value.ValueKind);
            },
            e => Assert.Equal(id, Assert.IsType<ScimUserDeactivated>(e).ResourceId));
    }

    [Fact]
    public async Task PatchingActiveBackToTrueRaisesUserReactivated()
    {
        var id = await CreateUserAsync("ken");
        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}""", HttpStatusCode.OK);
        _events.Clear();

        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Replace","path":"active","value":"True"}]}""", HttpStatusCode.OK);

        Assert.Equal([typeof(ScimUserUpdated), typeof(ScimUserReactivated)], _events.Events.Select(e => e.GetType()));
        Assert.Equal(id, _events.Events[1].ResourceId);
    }

    [Fact]
    public async Task APatchThatChangesNothingRaisesNoEvent()
    {
        var id = await CreateUserAsync("dennis");
        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Replace","path":"active","value":true}]}""", HttpStatusCode.OK);
        Assert.Empty(_events.Events);
    }

    [Fact]
    public async Task AnExtensionAttributeChangeIsNamedByItsUrnAndName()
    {
        var id = await CreateUserAsync("margaret");
        const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Add","path":"{{Enterprise}}:department","value":"Apollo"}]}""", HttpStatusCode.OK);

        var change = Assert.Single(Single<ScimUserUpdated>(_events.Events).Changes);
        Assert.Equal(Enterprise + ":department", change.Path);
        Assert.Null(change.OldValue);
        Assert.Equal("Apollo", change.NewValue!.Value.GetString());
    }

    [Fact]
    public async Task DeletingAUserRaisesOneUserDeleted()
    {
        var id = await CreateUserAsync("barbara");
        await SendAsync(HttpMethod.Delete, $"Users/{id}", null, HttpStatusCode.NoContent);
        var e = Single<ScimUserDeleted>(_events.Events);
        Assert.Equal(id, e.ResourceId);
        Assert.Equal("tenant-a", e.Tenant);
    }

    [Fact]
    public async Task CreatingAGroupRaisesOneGroupCreatedWithItsMembers()
    {
        var user = await CreateUserAsync("alan");
        var group = await _host.CreateGroupAsync("Engineers", user);
        var e = Single<ScimGroupCreated>(_events.Events);
        Assert.Equal(group["id"]!.GetValue<string>(), e.ResourceId);
        Assert.Equal("Group", e.ResourceType);
        Assert.Equal([user], e.MemberIds);
        Assert.Equal("Engineers", e.Resource.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task EntrasDisplayNamePatchRaisesGroupUpdatedThenGroupRenamed()
    {
        var id = await CreateGroupAsync("Old name");
        await SendAsync(HttpMethod.Patch, $"Groups/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Replace","path":"displayName","value":"New name"}]}""", HttpStatusCode.NoContent);

        Assert.Equal([typeof(ScimGroupUpdated), typeof(ScimGroupRenamed)], _events.Events.Select(e => e.GetType()));
        Assert.Equal("displayName", Assert.Single(((ScimGroupUpdated)_events.Events[0]).Changes).Path);
        var renamed = (ScimGroupRenamed)_events.Events[1];
        Assert.Equal(id, renamed.ResourceId);
        Assert.Equal("Old name", renamed.OldDisplayName);
        Assert.Equal("New name", renamed.NewDisplayName);
    }

    [Fact]
    public async Task EntrasMemberAddAndRemovePatchesRaiseMembersAddedAndMembersRemoved()
    {
        var ada = await CreateUserAsync("ada");
        var bob = await CreateUserAsync("bob");
        var id = await CreateGroupAsync("Team", ada);

        await SendAsync(HttpMethod.Patch, $"Groups/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{bob}}"}]}]}""", HttpStatusCode.NoContent);
        var added = Single<ScimGroupMembersAdded>(_events.Events);
        Assert.Equal(id, added.ResourceId);
        Assert.Equal([bob], added.MemberIds);
        _events.Clear();

        await SendAsync(HttpMethod.Patch, $"Groups/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Remove","path":"members[value eq \"{{ada}}\"]"}]}""", HttpStatusCode.NoContent);
        var removed = Single<ScimGroupMembersRemoved>(_events.Events);
        Assert.Equal([ada], removed.MemberIds);
    }

    [Fact]
    public async Task ReplacingAllMembersRaisesTheRemovedAndTheAddedIds()
    {
        var ada = await CreateUserAsync("ada");
        var bob = await CreateUserAsync("bob");
        var id = await CreateGroupAsync("Team", ada);

        await SendAsync(HttpMethod.Patch, $"Groups/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Replace","path":"members","value":[{"value":"{{bob}}"}]}]}""", HttpStatusCode.NoContent);

        Assert.Equal([typeof(ScimGroupMembersRemoved), typeof(ScimGroupMembersAdded)], _events.Events.Select(e => e.GetType()));
        Assert.Equal([ada], ((ScimGroupMembersRemoved)_events.Events[0]).MemberIds);
        Assert.Equal([bob], ((ScimGroupMembersAdded)_events.Events[1]).MemberIds);
    }

    [Fact]
    public async Task ReplacingAGroupRaisesTheMembershipDifference()
    {
        var ada = await CreateUserAsync("ada");
        var bob = await CreateUserAsync("bob");
        var id = await CreateGroupAsync("Team", ada);

        await SendAsync(HttpMethod.Put, $"Groups/{id}", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Team","members":[{"value":"{{bob}}"}]}""", HttpStatusCode.OK);

        Assert.Equal([typeof(ScimGroupMembersRemoved), typeof(ScimGroupMembersAdded)], _events.Events.Select(e => e.GetType()));
        Assert.Equal([ada], ((ScimGroupMembersRemoved)_events.Events[0]).MemberIds);
        Assert.Equal([bob], ((ScimGroupMembersAdded)_events.Events[1]).MemberIds);
    }

    [Fact]
    public async Task DeletingAGroupRaisesOneGroupDeleted()
    {
        var id = await CreateGroupAsync("Short-lived");
        await SendAsync(HttpMethod.Delete, $"Groups/{id}", null, HttpStatusCode.NoContent);
        Assert.Equal(id, Single<ScimGroupDeleted>(_events.Events).ResourceId);
    }

    [Fact]
    public async Task AThrowingHandlerIsLoggedAndNeitherFailsTheRequestNorStopsTheNextHandler()
    {
        var created = await _host.CreateUserAsync("resilient");

        Assert.IsType<ScimUserCreated>(Assert.Single(_events.Events));
        using var read = await _host.Client.GetAsync($"Users/{created["id"]!.GetValue<string>()}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var entry = Assert.Single(_logs.Entries, e => e.Contains("[400]", StringComparison.Ordinal));
        Assert.StartsWith("Error", entry, StringComparison.Ordinal);
        Assert.Contains("ThrowingHandler failed on ScimUserCreated for User " + created["id"]!.GetValue<string>() + " in tenant tenant-a", entry, StringComparison.Ordinal);
        Assert.Contains("The welcome mail could not be sent.", entry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedWritesRaiseNoEvent()
    {
        var id = await CreateUserAsync("unique");

        await SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"unique"}""", HttpStatusCode.Conflict);
        await SendAsync(HttpMethod.Put, $"Users/{id}", $$"""{"schemas":["{{UserSchema}}"],"userName":"unique","title":"x"}""", HttpStatusCode.PreconditionFailed, r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"stale\""));
        await SendAsync(HttpMethod.Patch, $"Users/{id}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Replace","path":"active","value":false}]}""", HttpStatusCode.PreconditionFailed, r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"stale\""));
        await SendAsync(HttpMethod.Delete, $"Users/{id}", null, HttpStatusCode.PreconditionFailed, r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"stale\""));
        await SendAsync(HttpMethod.Delete, "Users/no-such-id", null, HttpStatusCode.NotFound);

        Assert.Empty(_events.Events);
    }

    [Fact]
    public async Task EachTenantsEventsCarryThatTenantAndAHandlerForOneTenantSeesOnlyItsEvents()
    {
        using var b = _host.ClientFor("tenant-b");
        await _host.CreateUserAsync("in-a");
        using var response = await b.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"in-b"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        Assert.Equal(
            [("tenant-a", "in-a"), ("tenant-b", "in-b")],
            _events.Events.Cast<ScimUserCreated>().Select(e => (e.Tenant, e.Resource.GetProperty("userName").GetString())));
        var onlyB = Single<ScimUserCreated>(_host.Services.GetRequiredService<TenantEventLog>().Log.Events);
        Assert.Equal("tenant-b", onlyB.Tenant);
        Assert.Equal("in-b", onlyB.Resource.GetProperty("userName").GetString());
    }

    [Fact]
    public async Task ABulkRequestRaisesOneEventPerOperation()
    {
        var json = $$$"""
            {"schemas":["{{{BulkRequest}}}"],"Operations":[
              {"method":"POST","path":"/Users","bulkId":"u1","data":{"schemas":["{{{UserSchema}}}"],"userName":"bulk1"}},
              {"method":"POST","path":"/Users","bulkId":"u2","data":{"schemas":["{{{UserSchema}}}"],"userName":"bulk2"}},
              {"method":"PATCH","path":"/Users/bulkId:u1","data":{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}}
            ]}
            """;
        var body = await SendAsync(HttpMethod.Post, "Bulk", json, HttpStatusCode.OK);
        Assert.Equal(["201", "201", "200"], body["Operations"]!.AsArray().Select(o => o!["status"]!.GetValue<string>()));

        Assert.Equal([typeof(ScimUserCreated), typeof(ScimUserCreated), typeof(ScimUserUpdated), typeof(ScimUserDeactivated)], _events.Events.Select(e => e.GetType()));
        Assert.Equal(["u1", "u2", null, null], _events.Events.Select(e => e.BulkId));
        Assert.Single(_events.Events.Select(e => e.CorrelationId).Distinct());
        Assert.Equal(_events.Events[0].ResourceId, _events.Events[2].ResourceId);
    }

    [Fact]
    public async Task ABulkWithThreeOperationsRaisesThreeEvents()
    {
        var user = await CreateUserAsync("to-delete");
        var json = $$$"""
            {"schemas":["{{{BulkRequest}}}"],"Operations":[
              {"method":"POST","path":"/Users","bulkId":"n1","data":{"schemas":["{{{UserSchema}}}"],"userName":"new1"}},
              {"method":"POST","path":"/Groups","bulkId":"g1","data":{"schemas":["{{{GroupSchema}}}"],"displayName":"New group"}},
              {"method":"DELETE","path":"/Users/{{{user}}}"}
            ]}
            """;
        await SendAsync(HttpMethod.Post, "Bulk", json, HttpStatusCode.OK);

        Assert.Equal([typeof(ScimUserCreated), typeof(ScimGroupCreated), typeof(ScimUserDeleted)], _events.Events.Select(e => e.GetType()));
        Assert.Equal(user, _events.Events[2].ResourceId);
    }

    [Fact]
    public void AHandlerThatImplementsNoEventInterfaceIsRefusedAtRegistration()
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ArgumentException>(() => services.AddJostleScim().AddEventHandler<MarkerOnlyHandler>());
        Assert.StartsWith("MarkerOnlyHandler implements no IScimEventHandler<TEvent>", error.Message, StringComparison.Ordinal);
    }
}
