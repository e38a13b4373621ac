using System.Net;
using System.Text.Json.Nodes;
using Jostle.Scim.Stores;
using Microsoft.Extensions.DependencyInjection;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>How a group write checks that its new members exist: one question per store, in the semantics of before.</summary>
public sealed class MemberExistenceTests : IAsyncLifetime
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private ScimTestHost _host = null!;

    private CountingUserStore Users => (CountingUserStore)_host.Services.GetRequiredService<IScimUserStore>();

    public async Task InitializeAsync() =>
        _host = await StartAsync(scim: b => b.AddUserStore<CountingUserStore>().AddGroupStore<InMemoryGroupStore>());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task APatchAddingFiftyMembersAsksTheUserStoreOnceAndReadsNoUser()
    {
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add((await _host.CreateUserAsync($"member{i}"))["id"]!.GetValue<string>());
        }

        var group = await _host.CreateGroupAsync("Fifty");
        Users.Reset();

        using var response = await _host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Add","path":"members","value":[{{string.Join(",", ids.Select(id => $"{{\"value\":\"{id}\"}}"))}}]}]}""");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1, Users.FindExistingCalls);
        Assert.Equal(50, Users.IdsAsked);
        Assert.Equal(0, Users.GetCalls);
    }

    [Fact]
    public async Task AnUntypedMemberThatIsAGroupIsAcceptedAndATypedOneMustBeOfItsType()
    {
        var user = (await _host.CreateUserAsync("u"))["id"]!.GetValue<string>();
        var inner = (await _host.CreateGroupAsync("Inner"))["id"]!.GetValue<string>();

        var outer = await _host.CreateGroupAsync("Outer", user, inner);
        Assert.Equal(2, ((JsonArray)(await JsonAsync(await _host.Client.GetAsync($"Groups/{outer["id"]}")))["members"]!).Count);

        using var userAsGroup = await _host.SendAsync(HttpMethod.Patch, $"Groups/{outer["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{inner}}","type":"User"}]}]}""");
        Assert.Contains($"\"{inner}\" is not a User", (await AssertErrorAsync(userAsGroup, 400, "invalidValue"))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var other = (await _host.CreateUserAsync("other"))["id"]!.GetValue<string>();
        using var groupAsUser = await _host.SendAsync(HttpMethod.Patch, $"Groups/{outer["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{other}}","type":"Group"}]}]}""");
        Assert.Contains($"\"{other}\" is not a Group", (await AssertErrorAsync(groupAsUser, 400, "invalidValue"))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheErrorNamesTheFirstUnknownMemberInRequestOrderAndNothingChanges()
    {
        var user = (await _host.CreateUserAsync("known"))["id"]!.GetValue<string>();
        var group = await _host.CreateGroupAsync("Strict");

        using var response = await _host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{user}}"},{"value":"ghost-1"},{"value":"ghost-2"}]}]}""");

        var error = await AssertErrorAsync(response, 400, "invalidValue");
        Assert.Equal("The member \"ghost-1\" is not a User of this tenant.", error["detail"]!.GetValue<string>());
        Assert.Null((await JsonAsync(await _host.Client.GetAsync($"Groups/{group["id"]}")))["members"]);
    }

    /// <summary>The in-memory user store, counting how the library asks it about members.</summary>
    private sealed class CountingUserStore : IScimUserStore
    {
        private readonly InMemoryUserStore _inner = new();
        private int _get;
        private int _find;
        private int _asked;

        public int GetCalls => Volatile.Read(ref _get);

        public int FindExistingCalls => Volatile.Read(ref _find);

        public int IdsAsked => Volatile.Read(ref _asked);

        public void Reset()
        {
            Volatile.Write(ref _get, 0);
            Volatile.Write(ref _find, 0);
            Volatile.Write(ref _asked, 0);
        }

        public ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default) =>
            _inner.CreateAsync(tenantId, document, cancellationToken);

        public ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _get);
            return _inner.GetAsync(tenantId, id, cancellationToken);
        }

        public ValueTask<IReadOnlySet<string>> FindExistingAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _find);
            Interlocked.Add(ref _asked, ids.Count);
            return _inner.FindExistingAsync(tenantId, ids, cancellationToken);
        }

        public ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default) =>
            _inner.ReplaceAsync(tenantId, document, expectedVersion, cancellationToken);

        public ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default) =>
            _inner.DeleteAsync(tenantId, id, expectedVersion, cancellationToken);

        public ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default) =>
            _inner.QueryAsync(tenantId, query, cancellationToken);
    }
}
