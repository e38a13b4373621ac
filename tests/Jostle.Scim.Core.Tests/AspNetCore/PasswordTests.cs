using System.Collections.Concurrent;
using System.Net;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Service;
using Jostle.Scim.Stores;
using Microsoft.Extensions.DependencyInjection;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>
/// Okta's <c>password</c> is write-only: never returned, never in the stored document; dropped and noted, refused, or
/// handed to the host, per <see cref="JostleScimOptions.Passwords"/>. Sent the three ways a client sends it.
/// </summary>
public sealed class PasswordTests
{
    private const string Tenant = "tenant-a";

    // Okta's create: password, groups: [] and externalId beside the usual attributes.
    private const string OktaCreate = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"okta.pw@example.com","externalId":"00u1",
         "name":{"givenName":"Okta","familyName":"Writer"},"emails":[{"primary":true,"value":"okta.pw@example.com","type":"work"}],
         "displayName":"Okta Writer","locale":"en-US","groups":[],"password":"Sekr1t-Create!","active":true}
        """;

    private const string PutBody = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"okta.pw@example.com","externalId":"00u1",
         "name":{"givenName":"Okta","familyName":"Writer"},"password":"Sekr1t-Put!","active":true}
        """;

    private const string PatchBody = """
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"password","value":"Sekr1t-Patch!"}]}
        """;

    [Fact]
    public async Task ByDefaultAPasswordIsDroppedFromCreateReplaceAndPatchAndTheLogNotesItWithoutTheValue()
    {
        await using var host = await StartAsync(ScimPasswordHandling.Discard);

        var id = await CreateAsync(host);
        await ExpectAsync(host, HttpMethod.Put, $"Users/{id}", PutBody, HttpStatusCode.OK);
        await ExpectAsync(host, HttpMethod.Patch, $"Users/{id}", PatchBody, HttpStatusCode.OK);

        await AssertNotStoredAsync(host, id);
        var entries = (await host.Services.GetRequiredService<InMemoryProvisioningLog>().QueryAsync(new ProvisioningLogQuery { Tenant = Tenant })).Entries;
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal("A password was received and not stored.", e.Detail));
    }

    [Fact]
    public async Task UnderRefuseEachRequestCarryingAPasswordIs400InvalidValueAndWritesNothing()
    {
        await using var host = await StartAsync(ScimPasswordHandling.Refuse);

        using var create = await host.SendAsync(HttpMethod.Post, "Users", OktaCreate);
        var error = await AssertErrorAsync(create, 400, "invalidValue");
        Assert.Contains("\"password\"", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, (await host.Services.GetRequiredService<IScimUserStore>().QueryAsync(Tenant, new StoreQuery { ResourceType = host.Services.GetRequiredService<ScimRuntime>().Users.ResourceType, Count = 0 })).TotalResults);

        var id = (await host.CreateUserAsync("okta.pw@example.com"))["id"]!.GetValue<string>();
        var before = await StoredAsync(host, id);
        using var put = await host.SendAsync(HttpMethod.Put, $"Users/{id}", PutBody);
        await AssertErrorAsync(put, 400, "invalidValue");
        using var patch = await host.SendAsync(HttpMethod.Patch, $"Users/{id}", PatchBody);
        await AssertErrorAsync(patch, 400, "invalidValue");
        Assert.Equal(before, await StoredAsync(host, id));
    }

    [Fact]
    public async Task UnderHandToHostTheSinkGetsTenantUserAndPasswordOfEachRequestAndTheStoreNeverSeesIt()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(ScimPasswordHandling.HandToHost, sink);

        var id = await CreateAsync(host);
        await ExpectAsync(host, HttpMethod.Put, $"Users/{id}", PutBody, HttpStatusCode.OK);
        await ExpectAsync(host, HttpMethod.Patch, $"Users/{id}", PatchBody, HttpStatusCode.OK);

        Assert.Equal(
            [(Tenant, id, "Sekr1t-Create!"), (Tenant, id, "Sekr1t-Put!"), (Tenant, id, "Sekr1t-Patch!")],
            sink.Received.Select(p => (p.Tenant, p.UserId, p.Password)));
        Assert.DoesNotContain("Sekr1t", sink.Received.First().ToString(), StringComparison.Ordinal);
        await AssertNotStoredAsync(host, id);
        var entries = (await host.Services.GetRequiredService<InMemoryProvisioningLog>().QueryAsync(new ProvisioningLogQuery { Tenant = Tenant })).Entries;
        Assert.All(entries, e => Assert.Equal("A password was received and handed to the host; it is not stored.", e.Detail));
    }

    [Fact]
    public async Task HandToHostWithoutASinkFailsAtMapTimeNamingTheMissingRegistration()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await StartAsync(ScimPasswordHandling.HandToHost));

        Assert.Equal(
            "JostleScimOptions.Passwords is HandToHost but no IScimPasswordSink is registered: call builder.Services.AddSingleton<IScimPasswordSink, YourSink>().",
            error.Message);
    }

    private static Task<ScimTestHost> StartAsync(ScimPasswordHandling handling, IScimPasswordSink? sink = null) => ScimTestHost.StartAsync(
        configure: o => o.Passwords = handling,
        scim: b => b.AddInMemoryStores().AddProvisioningLog(),
        services: s =>
        {
            if (sink is not null)
            {
                s.AddSingleton(sink);
            }
        });

    private static async Task<string> CreateAsync(ScimTestHost host)
    {
        var user = await ExpectAsync(host, HttpMethod.Post, "Users", OktaCreate, HttpStatusCode.Created);
        return user["id"]!.GetValue<string>();
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> ExpectAsync(ScimTestHost host, HttpMethod method, string path, string body, HttpStatusCode expected)
    {
        using var response = await host.SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
        return System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<string> StoredAsync(ScimTestHost host, string id) =>
        (await host.Services.GetRequiredService<IScimUserStore>().GetAsync(Tenant, id))!.Document.GetRawText();

    private static async Task AssertNotStoredAsync(ScimTestHost host, string id)
    {
        var stored = await StoredAsync(host, id);
        Assert.DoesNotContain("password", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Sekr1t", stored, StringComparison.Ordinal);
        Assert.Contains("okta.pw@example.com", stored, StringComparison.Ordinal);
    }

    private sealed class RecordingSink : IScimPasswordSink
    {
        public ConcurrentQueue<ScimPasswordReceived> Received { get; } = new();

        public Task ReceiveAsync(ScimPasswordReceived password, CancellationToken cancellationToken)
        {
            Received.Enqueue(password);
            return Task.CompletedTask;
        }
    }
}
