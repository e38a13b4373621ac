using System.Text.Json.Nodes;
using Jostle.Scim.Patching;

namespace Jostle.Scim.Tests.Resources;

/// <summary>The resource engine and the PATCH applier together, the way a resource service uses them.</summary>
public class ResourceLifecycleTests
{
    [Fact]
    public void EntraDisablePatchThenValidationGivesANewVersionAndKeepsIdAndCreated()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var engine = TestResourceTypes.Engine("User", clock: clock);
        var stored = engine.StampCreated(
            engine.ValidateForCreate(TestResourceTypes.Parse("""{"userName":"bjensen","active":true,"password":"p"}""")).Document,
            "u1",
            new Uri("https://x/scim/v2"));
        var patch = PatchRequest.Parse("""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}
            """);

        clock.Now = clock.Now.AddMinutes(40);
        var patched = PatchApplier.Apply(stored, patch, engine.ResourceType).Resource;
        var validated = engine.ValidateForReplace(patched, stored).Document;
        var changed = engine.StampModified(validated);

        Assert.True(changed);
        Assert.False((bool)validated["active"]!);
        Assert.Equal("u1", (string)validated["id"]!);
        Assert.Equal(stored["meta"]!["created"]!.ToJsonString(), validated["meta"]!["created"]!.ToJsonString());
        Assert.Equal("2026-03-01T09:40:00Z", (string)validated["meta"]!["lastModified"]!);
        Assert.NotEqual((string)stored["meta"]!["version"]!, (string)validated["meta"]!["version"]!);
        Assert.Equal("p", (string)validated["password"]!);
        Assert.Null(engine.GetProjection().Apply(validated)["password"]);
    }
}
