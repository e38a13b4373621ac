using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

using Jostle.Scim.Testing;
using Jostle.Scim.Tests.AspNetCore;

namespace Jostle.Scim.Tests.Clients;

/// <summary>The replayer itself: a failing suite must fail, so its comparisons are tested against a fake endpoint.</summary>
public class RunscopeReplayerTests
{
    private static async Task<RunscopeReport> ReplayAsync(object steps, Dictionary<string, string>? variables = null)
    {
        await using var host = await ScimTestHost.StartAsync(map: app =>
        {
            app.MapGet("/api/things", (HttpContext context) => Results.Text(JsonSerializer.Serialize(new
            {
                schemas = new[] { "urn:example:List" },
                totalResults = 1,
                header = context.Request.Headers["X-Probe"].ToString(),
                query = context.Request.Query["filter"].ToString(),
                Resources = new[] { new { id = "t1", active = true, emails = new[] { new { value = "a@b.c" } }, blank = "" } },
            }), "application/json"));
            app.MapPost("/api/things", async (HttpContext context) =>
            {
                var body = await JsonNode.ParseAsync(context.Request.Body);
                return Results.Json(new { id = "t2", echo = body!["name"]!.GetValue<string>(), type = context.Request.ContentType }, statusCode: 201);
            });
        });
        var vars = variables ?? [];
        vars["base"] = "http://localhost/api";
        var replayer = new RunscopeReplayer(host.Client, vars);
        return await replayer.RunExportAsync(JsonSerializer.Serialize(new { name = "probe", steps }));
    }

    private static object Get(string url, params object[] assertions) => new
    {
        step_type = "request", method = "GET", url, note = "get " + url,
        headers = new Dictionary<string, object> { ["X-Probe"] = new[] { "{{probe}}" } }, assertions,
        variables = new[] { new { source = "response_json", property = "Resources[0].id", name = "thing" } },
    };

    private static object Json(string comparison, string property, string? value) =>
        new { source = "response_json", comparison, property, value };

    [Fact]
    public async Task PassingAssertionsProduceNoFailuresAndCapturedVariablesFeedLaterSteps()
    {
        var report = await ReplayAsync(new object[]
        {
            Get("{{base}}/things?filter=id eq \"x\"",
                new { source = "response_status", comparison = "equal_number", value = "200" },
                new { source = "response_time", comparison = "is_less_than", value = "60000" },
                Json("has_value", "schemas", "urn:example:List"),
                Json("contains", "schemas", "urn:example:List"),
                Json("equal", "totalResults", "1"),
                Json("equal_number", "totalResults", "1"),
                Json("is_a_number", "totalResults", null),
                Json("equal", "Resources[0].active", "true"),
                Json("has_value", "Resources[0].emails.value", null),
                Json("not_empty", "Resources[0].emails[0].value", null),
                Json("has_key", "Resources[0]", "id"),
                Json("equal", "header", "p1"),
                Json("equal", "query", "id eq \"x\"")),
            new { step_type = "pause", duration = 5 },
            Get("{{base}}/things?id={{thing}}", Json("equal", "Resources[0].id", "{{thing}}")),
        }, new() { ["probe"] = "p1" });

        Assert.Equal("", string.Join("\n", report.Failures));
        Assert.Equal(2, report.Steps.Count);
    }

    [Fact]
    public async Task EachFailingAssertionIsReportedWithTheStepAndTheActualValue()
    {
        var report = await ReplayAsync(new object[]
        {
            Get("{{base}}/things",
                new { source = "response_status", comparison = "equal_number", value = "404" },
                Json("equal", "totalResults", "0"),
                Json("not_empty", "Resources[0].blank", null),
                Json("not_empty", "Resources[0].missing", null),
                Json("has_value", "schemas", "urn:other")),
        }, new() { ["probe"] = "p" });

        Assert.Equal(
            string.Join("\n",
                "get http://localhost/api/things [GET http://localhost/api/things → 200]: response_status equal_number 404: actual 200",
                "get http://localhost/api/things [GET http://localhost/api/things → 200]: response_json totalResults equal 0: actual 1",
                "get http://localhost/api/things [GET http://localhost/api/things → 200]: response_json Resources[0].blank not_empty: actual \"\"",
                "get http://localhost/api/things [GET http://localhost/api/things → 200]: response_json Resources[0].missing not_empty: actual (missing)",
                "get http://localhost/api/things [GET http://localhost/api/things → 200]: response_json schemas has_value urn:other: actual [\"urn:example:List\"]"),
            string.Join("\n", report.Failures));
    }

    [Fact]
    public async Task BodiesAreSentWithTheStepsContentTypeAndVariablesSubstituted()
    {
        var report = await ReplayAsync(new object[]
        {
            new
            {
                step_type = "request", method = "POST", url = "{{base}}/things", note = "post",
                body = "{\"name\":\"{{who}}\"}",
                headers = new Dictionary<string, object> { ["Content-Type"] = new[] { "application/scim+json; charset=utf-8" } },
                assertions = new object[]
                {
                    new { source = "response_status", comparison = "equal_number", value = "201" },
                    Json("equal", "echo", "Ada"),
                    Json("contains", "type", "application/scim+json"),
                },
            },
        }, new() { ["who"] = "Ada" });

        Assert.Empty(report.Failures);
    }

    [Fact]
    public async Task AMissingVariableStopsTheReplayInsteadOfSendingTheRawPlaceholder()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ReplayAsync(new object[] { Get("{{base}}/things/{{nope}}") }));

        Assert.Equal("The Runscope variable 'nope' has no value.", error.Message);
    }
}
