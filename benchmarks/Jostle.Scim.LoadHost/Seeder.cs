using Jostle.Scim.Service;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jostle.Scim.LoadHost;

/// <summary>
/// Seeds users in-process (<see cref="SeedInProcessAsync"/>) or through the host's own HTTP API, over loopback: <c>POST /Bulk</c> in batches of the advertised
/// <c>bulk.maxOperations</c> (a few batches in parallel), or one <c>POST /Users</c> per user when bulk is not
/// supported. The users have the same shape as the peers' <c>load.sh</c> seeds.
/// </summary>
internal static class Seeder
{
    private const string Prefix = "seed";
    private const int Parallelism = 4;

    public static string UserName(int i) => $"{Prefix}-{i}@example.com";

    /// <summary>
    /// Seeds in-process through the same validation, stamping and store call as <c>POST /Users</c> (the library's
    /// resource service), minus HTTP: fast enough for a million users.
    /// </summary>
    public static async Task<int> SeedInProcessAsync(IServiceProvider services, string tenant, Uri baseUri, int count)
    {
        var resources = services.GetRequiredService<Jostle.Scim.Service.ScimResourceService>();
        var next = -1;
        async Task Worker()
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                await resources.CreateAsync(Jostle.Scim.Service.ScimResourceKind.User, tenant, User(i), baseUri, CancellationToken.None);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(Worker)));
        return count;
    }

    public static async Task<int> SeedAsync(Uri baseUri, string token, int count)
    {
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var config = JsonNode.Parse(await http.GetStringAsync("ServiceProviderConfig"))!;
        var bulkSupported = config["bulk"]?["supported"]?.GetValue<bool>() == true;
        var batch = bulkSupported ? Math.Max(1, config["bulk"]!["maxOperations"]!.GetValue<int>()) : 1;
        var maxPayload = bulkSupported ? config["bulk"]!["maxPayloadSize"]!.GetValue<int>() : int.MaxValue;
        batch = Math.Min(batch, Math.Max(1, maxPayload / 700));

        var next = -batch;
        var created = 0;
        async Task Worker()
        {
            while (true)
            {
                var start = Interlocked.Add(ref next, batch);
                if (start >= count)
                {
                    return;
                }

                var end = Math.Min(count, start + batch);
                Interlocked.Add(ref created, bulkSupported ? await PostBulkAsync(http, start, end) : await PostUserAsync(http, start));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(_ => Task.Run(Worker)));
        return created;
    }

    private static async Task<int> PostUserAsync(HttpClient http, int i)
    {
        using var response = await http.PostAsync("Users", Content(User(i)));
        return response.IsSuccessStatusCode ? 1 : throw new InvalidOperationException($"POST /Users → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<int> PostBulkAsync(HttpClient http, int start, int end)
    {
        var operations = new JsonArray();
        for (var i = start; i < end; i++)
        {
            operations.Add(new JsonObject { ["method"] = "POST", ["path"] = "/Users", ["bulkId"] = $"u{i}", ["data"] = User(i) });
        }

        var request = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:BulkRequest"),
            ["failOnErrors"] = 1,
            ["Operations"] = operations,
        };
        using var response = await http.PostAsync("Bulk", Content(request));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /Bulk → {(int)response.StatusCode}: {text[..Math.Min(400, text.Length)]}");
        }

        using var document = JsonDocument.Parse(text);
        var ok = 0;
        foreach (var result in document.RootElement.GetProperty("Operations").EnumerateArray())
        {
            var status = result.GetProperty("status").ToString();
            ok += status == "201" ? 1 : throw new InvalidOperationException($"Bulk operation {result.GetRawText()} failed.");
        }

        return ok;
    }

    private static JsonObject User(int i) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
        ["userName"] = UserName(i),
        ["externalId"] = $"{Prefix}-ext-{i}",
        ["active"] = true,
        ["name"] = new JsonObject { ["givenName"] = $"Given{i}", ["familyName"] = $"Family{i}", ["formatted"] = $"Given{i} Family{i}" },
        ["displayName"] = $"Given{i} Family{i}",
        ["emails"] = new JsonArray(new JsonObject { ["type"] = "work", ["value"] = UserName(i), ["primary"] = true }),
        ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["employeeNumber"] = $"{i}", ["department"] = $"Dept{i % 50}" },
    };

    private static StringContent Content(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/scim+json"));
}
