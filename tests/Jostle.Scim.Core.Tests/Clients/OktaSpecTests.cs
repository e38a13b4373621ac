using System.Net;
using System.Text.Json.Nodes;

using Jostle.Scim.Tests.AspNetCore;

namespace Jostle.Scim.Tests.Clients;

/// <summary>
/// Okta's "SCIM 2.0 SPEC Test" (Cases/suites/Okta-SCIM-20-SPEC-Test.runscope.json, unchanged) replayed against the
/// real pipeline by <see cref="RunscopeReplayer"/>.
/// <para>How the replay reads the suite, where the export leaves something to the runner:</para>
/// <list type="bullet">
/// <item>Preconditions the suite assumes of a live app: at least one user with a name and an email exists ("Test
/// Users endpoint" reads <c>Resources[0]</c>), and at least one group (its "Verify Groups endpoint" script).
/// Both are created before the replay.</item>
/// <item>Variables Okta's initial script sets: <c>randomUsername</c>/<c>randomEmail</c> (a fresh address),
/// <c>randomUsernameCaps</c> (the same, upper-cased), <c>randomGivenName</c>/<c>randomFamilyName</c>,
/// <c>InvalidUserEmail</c>, <c>UserIdThatDoesNotExist</c>, <c>SCIMBaseURL</c> and <c>auth</c>.</item>
/// <item>Pause steps are not slept. The one JavaScript script (groups list is an array with at least one
/// member) is not run by the replayer; its check is asserted below.</item>
/// <item><c>response_time</c> limits (400/600 ms) are asserted on a second, warm replay: the first replay
/// pays for JIT compilation in the test process, which is not what the limits are about. The class runs in a
/// collection of its own, not in parallel with the rest of the suite, so the limits measure the server.</item>
/// </list>
/// </summary>
[Collection(OktaTimingCollection.Name)]
public sealed class OktaSpecTests
{
    private static readonly string SuitePath = Path.Combine(AppContext.BaseDirectory, "Cases", "suites", "Okta-SCIM-20-SPEC-Test.runscope.json");

    private static async Task<(RunscopeReport Report, Dictionary<string, string> Variables)> ReplayAsync(ScimTestHost host, string tenant)
    {
        var scim = new ScimHttp(host.ClientFor(tenant));
        await scim.PostAsync("/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"existing@atko.com","active":true,
             "name":{"givenName":"Existing","familyName":"User"},"emails":[{"primary":true,"type":"work","value":"existing@atko.com"}]}
            """);
        await scim.PostAsync("/Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Existing group"}""");

        var n = Random.Shared.Next(100_000, 999_999);
        var variables = new Dictionary<string, string>
        {
            ["SCIMBaseURL"] = "http://localhost/scim/v2",
            ["auth"] = "Bearer " + tenant,
            ["randomUsername"] = $"Runscope{n}Test@atko.com",
            ["randomUsernameCaps"] = $"RUNSCOPE{n}TEST@ATKO.COM",
            ["randomEmail"] = $"Runscope{n}Test@atko.com",
            ["randomGivenName"] = $"Given{n}",
            ["randomFamilyName"] = $"Family{n}",
            ["InvalidUserEmail"] = $"not-a-user-{n}@atko.com",
            ["UserIdThatDoesNotExist"] = $"010101001010101010-{n}",
        };
        var report = await new RunscopeReplayer(host.ClientFor(null), variables).RunAsync(SuitePath);
        return (report, variables);
    }

    [Fact]
    public async Task EveryAssertionOfOktasSpecTestPasses()
    {
        await using var host = await ScimTestHost.StartAsync();
        var (warmUp, _) = await ReplayAsync(host, "okta-warm-up");
        Assert.Equal("", string.Join("\n", warmUp.Failures.Where(f => !f.Contains("response_time", StringComparison.Ordinal))));

        var (report, variables) = await ReplayAsync(host, "okta");

        Assert.Equal(16, report.Steps.Count);
        Assert.Equal("", string.Join("\n", report.Failures));
        Assert.True(variables.ContainsKey("ISVUserid") && variables.ContainsKey("idUserOne"));

        // The "Verify Groups endpoint" script: totalResults >= 1 and Resources is an array.
        var groups = report.Steps.Single(s => s.Scripts.Count > 0);
        var body = JsonNode.Parse(groups.ResponseBody)!;
        Assert.True((int)body["totalResults"]! >= 1);
        Assert.IsType<JsonArray>(body["Resources"]);
    }

    [Fact]
    public async Task TheUserTheSuiteCreatesIsFoundByItsUpperCasedUserName()
    {
        // The suite's "Username Case Sensitivity Check" sends the upper-cased name as the whole filter (not a
        // filter, so 400); what it is after is that userName matches case-insensitively, checked here.
        await using var host = await ScimTestHost.StartAsync();
        var (_, variables) = await ReplayAsync(host, "okta");
        var scim = new ScimHttp(host.ClientFor("okta"));

        var list = (await scim.GetAsync("/Users?" + ScimHttp.Filter($"userName eq \"{variables["randomUsernameCaps"]}\"")))!;

        Assert.Equal(1, (int)list["totalResults"]!);
        Assert.Equal(variables["idUserOne"], (string?)list["Resources"]![0]!["id"]);
        var error = await scim.GetAsync("/Users?filter=" + variables["randomUsernameCaps"], HttpStatusCode.BadRequest);
        Assert.Equal("invalidFilter", (string?)error!["scimType"]);
    }
}

/// <summary>Runs the Okta replay alone: its assertions include response-time limits.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OktaTimingCollection
{
    public const string Name = "Okta spec test (timed)";
}
