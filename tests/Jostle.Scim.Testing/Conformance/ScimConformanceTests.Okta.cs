using System.Net;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Testing;

// Okta's "SCIM 2.0 SPEC Test" (the Runscope export Okta publishes, embedded unchanged in this assembly) replayed by
// RunscopeReplayer. How the replay reads the suite, where the export leaves something to the runner:
// - Preconditions the suite assumes of a live app: at least one user with a name and an email exists ("Test Users
//   endpoint" reads Resources[0]), and at least one group (its "Verify Groups endpoint" script). Both are created
//   before the replay.
// - Variables Okta's initial script sets: randomUsername/randomEmail (a fresh address), randomUsernameCaps (the same,
//   upper-cased), randomGivenName/randomFamilyName, InvalidUserEmail, UserIdThatDoesNotExist, SCIMBaseURL and auth.
// - Pause steps are not slept. The one JavaScript script (groups list is an array with at least one member) is not
//   run by the replayer; its check is asserted below.
// - response_time limits (400/600 ms) are asserted on a second, warm replay (AssertOktaResponseTimes): the first
//   replay pays for JIT compilation in the test process, which is not what the limits are about.
public abstract partial class ScimConformanceTests
{
    private const string OktaSuite = "Jostle.Scim.Testing.Okta-SCIM-20-SPEC-Test.runscope.json";

    private static async Task<(RunscopeReport Report, Dictionary<string, string> Variables)> ReplayOktaAsync(ScimConformanceHttp scim)
    {
        await scim.PostAsync("Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"existing@atko.com","active":true,
             "name":{"givenName":"Existing","familyName":"User"},"emails":[{"primary":true,"type":"work","value":"existing@atko.com"}]}
            """);
        await scim.PostAsync("Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Existing group"}""");

        var n = Random.Shared.Next(100_000, 999_999);
        var variables = new Dictionary<string, string>
        {
            ["SCIMBaseURL"] = scim.BaseUrl,
            ["auth"] = scim.Authorization?.ToString() ?? "",
            ["randomUsername"] = $"Runscope{n}Test@atko.com",
            ["randomUsernameCaps"] = $"RUNSCOPE{n}TEST@ATKO.COM",
            ["randomEmail"] = $"Runscope{n}Test@atko.com",
            ["randomGivenName"] = $"Given{n}",
            ["randomFamilyName"] = $"Family{n}",
            ["InvalidUserEmail"] = $"not-a-user-{n}@atko.com",
            ["UserIdThatDoesNotExist"] = $"010101001010101010-{n}",
        };
        var report = await new RunscopeReplayer(scim.Client, variables).RunEmbeddedAsync(OktaSuite);
        return (report, variables);
    }

    /// <summary>Every assertion of oktas spec test passes.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task EveryAssertionOfOktasSpecTestPasses()
    {
        var (warmUp, _) = await ReplayOktaAsync(Scim);
        Assert.Equal("", string.Join("\n", warmUp.Failures.Where(f => !f.Contains("response_time", StringComparison.Ordinal))));

        var (report, variables) = await ReplayOktaAsync(await ConnectAsync());

        Assert.Equal(16, report.Steps.Count);
        var failures = AssertOktaResponseTimes ? report.Failures : report.Failures.Where(f => !f.Contains("response_time", StringComparison.Ordinal));
        Assert.Equal("", string.Join("\n", failures));
        Assert.True(variables.ContainsKey("ISVUserid") && variables.ContainsKey("idUserOne"));

        // The "Verify Groups endpoint" script: totalResults >= 1 and Resources is an array.
        var groups = report.Steps.Single(s => s.Scripts.Count > 0);
        var body = JsonNode.Parse(groups.ResponseBody)!;
        Assert.True((int)body["totalResults"]! >= 1, $"{groups.Method} {groups.Url}: expected totalResults >= 1, got {groups.ResponseBody}");
        Assert.IsType<JsonArray>(body["Resources"]);
    }

    /// <summary>The user oktas suite creates is found by its upper cased user name.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TheUserOktasSuiteCreatesIsFoundByItsUpperCasedUserName()
    {
        // The suite's "Username Case Sensitivity Check" sends the upper-cased name as the whole filter (not a
        // filter, so 400); what it is after is that userName matches case-insensitively, checked here.
        var (_, variables) = await ReplayOktaAsync(Scim);

        var list = (await Scim.GetAsync("Users?" + Filter($"userName eq \"{variables["randomUsernameCaps"]}\"")))!;

        Assert.Equal(1, (int)list["totalResults"]!);
        Assert.Equal(variables["idUserOne"], (string?)list["Resources"]![0]!["id"]);
        var error = await Scim.GetAsync("Users?filter=" + variables["randomUsernameCaps"], HttpStatusCode.BadRequest);
        Assert.Equal("invalidFilter", (string?)error!["scimType"]);
    }
}
