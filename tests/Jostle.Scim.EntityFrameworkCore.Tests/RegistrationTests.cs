using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>The DI registration and how membership deltas touch the members table.</summary>
public sealed class RegistrationTests : IDisposable
{
    private readonly SqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task AddEntityFrameworkStoresRegistersWorkingStoresOnAPooledContextFactory()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddJostleScim().AddEntityFrameworkStores(o => o.UseSqlite(_database.ConnectionString));
        await using var provider = services.BuildServiceProvider();

        var users = provider.GetRequiredService<IScimUserStore>();
        var groups = provider.GetRequiredService<IScimGroupStore>();

        Assert.IsType<EfScimUserStore>(users);
        Assert.IsType<EfScimGroupStore>(groups);
        Assert.Same(users, provider.GetRequiredService<IScimUserStore>());
        Assert.NotNull(provider.GetService<IDbContextFactory<ScimDbContext>>());
        Assert.Null(await users.GetAsync("t", "nobody"));
    }

    [Fact]
    public async Task AMembershipDeltaLeavesTheOtherMembersRowsUntouched()
    {
        var groups = new EfScimGroupStore(_database.Factory);
        await groups.CreateAsync("t", new System.Text.Json.Nodes.JsonObject
        {
            ["schemas"] = new System.Text.Json.Nodes.JsonArray(Schema.ScimSchemaUris.Group),
            ["id"] = "g1",
            ["displayName"] = "One",
            ["members"] = new System.Text.Json.Nodes.JsonArray(
                new System.Text.Json.Nodes.JsonObject { ["value"] = "u1", ["type"] = "User" },
                new System.Text.Json.Nodes.JsonObject { ["value"] = "u2", ["type"] = "User" }),
            ["meta"] = new System.Text.Json.Nodes.JsonObject { ["resourceType"] = "Group", ["version"] = "W/\"1\"" },
        });
        var before = await MemberRowsAsync();

        await groups.UpdateMembersAsync("t", "g1", new MembershipUpdate
        {
            Added = [new GroupMember("u3", "User"), new GroupMember("u1", "User")],
            Removed = ["u2"],
            LastModified = DateTimeOffset.UnixEpoch,
            NewVersion = "W/\"2\"",
        }, "W/\"1\"");
        var after = await MemberRowsAsync();

        Assert.Equal(before["u1"], after["u1"]);
        Assert.False(after.ContainsKey("u2"));
        Assert.True(after["u3"] > before["u1"]);
    }

    private async Task<Dictionary<string, long>> MemberRowsAsync()
    {
        await using var context = new ScimDbContext(_database.Options);
        return await context.GroupMembers.ToDictionaryAsync(m => m.MemberId, m => m.Key);
    }
}
