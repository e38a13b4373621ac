using System.Net;
using Jostle.Scim.Service;
using Jostle.Scim.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>With the kit's predictable ids and a fake clock, responses are the same on every run and can be pinned as they are.</summary>
public sealed class DeterministicSetupTests
{
    [Fact]
    public async Task PredictableIdsAndAFakeClockMakeResponsesExactlyRepeatable()
    {
        string[] first = await RunAsync();
        string[] second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Equal(
            """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"User-0001","userName":"pinned","meta":{"resourceType":"User","created":"2030-01-02T03:04:05Z","lastModified":"2030-01-02T03:04:05Z","location":"http://localhost/scim/v2/Users/User-0001","version":"""
                + first[0].Split("\"version\":", 2)[1],
            first[0]);
        Assert.Contains("\"id\":\"Group-0002\"", first[1], StringComparison.Ordinal);
        Assert.Contains("\"version\":\"W/\\\"v1\\\"\"", first[2], StringComparison.Ordinal);
    }

    private static async Task<string[]> RunAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var host = await ScimTestHost.StartAsync(services: s => s
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<IScimIdGenerator, SequentialScimIdGenerator>());

        using var user = await host.Client.PostAsync("Users", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"pinned"}"""));
        Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        using var group = await host.Client.PostAsync("Groups", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Pinned"}"""));
        var groupId = (await JsonAsync(group))["id"]!.GetValue<string>();
        using var add = await host.Client.PatchAsync($"Groups/{groupId}", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"User-0001"}]}]}"""));
        Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        using var read = await host.Client.GetAsync($"Groups/{groupId}");

        return [await user.Content.ReadAsStringAsync(), await group.Content.ReadAsStringAsync(), await read.Content.ReadAsStringAsync()];
    }
}
