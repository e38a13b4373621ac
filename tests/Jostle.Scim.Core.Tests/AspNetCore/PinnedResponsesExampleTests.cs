using System.Net;
using Jostle.Scim.Service;
using Jostle.Scim.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using Snapshooter;
using Snapshooter.Xunit;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>
/// The example docs/conformance-kit.md shows: a host pins its own <c>/Users</c> POST, the GET that follows and
/// <c>/ServiceProviderConfig</c> in snapshot files <em>without scrubbing</em>. A fake clock and
/// <see cref="SequentialScimIdGenerator"/> make ids (<c>User-0001</c>), timestamps and versions the same on every run.
/// </summary>
public sealed class PinnedResponsesExampleTests
{
    [Fact]
    public async Task AHostPinsItsCreatedUserTheReadAndItsServiceProviderConfigWithoutScrubbing()
    {
        await using var host = await ScimTestHost.StartAsync(services: s => s
            .AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)))
            .AddSingleton<IScimIdGenerator, SequentialScimIdGenerator>());

        var created = await ReadAsync(await host.SendAsync(HttpMethod.Post, "Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","externalId":"ext-ada","active":true,
             "name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"type":"work","value":"ada@example.com","primary":true}]}
            """), HttpStatusCode.Created);
        var read = await ReadAsync(await host.SendAsync(HttpMethod.Get, "Users/User-0001"), HttpStatusCode.OK);
        var config = await ReadAsync(await host.SendAsync(HttpMethod.Get, "ServiceProviderConfig"), HttpStatusCode.OK);

        Snapshot.Match(created, new SnapshotNameExtension("post"));
        Snapshot.Match(read, new SnapshotNameExtension("get"));
        Snapshot.Match(config, new SnapshotNameExtension("serviceProviderConfig"));
    }

    private static async Task<JToken> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
            return JToken.Parse(text);
        }
    }
}
