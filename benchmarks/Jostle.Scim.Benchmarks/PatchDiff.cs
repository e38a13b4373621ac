using System.Text.Json.Nodes;
using Jostle.Scim.Patching;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// <c>dotnet run -- patch-diff FILE</c>: reads patch-oracle.js input lines (<c>{"resource","operations","label"}</c>)
/// and prints, per line, our result in the oracle's output shape, for benchmarks/peer/patch-differential.sh.
/// </summary>
internal static class PatchDiff
{
    public static int Run(string file)
    {
        var registry = SchemaRegistry.CreateDefault();
        var line = 0;
        foreach (var text in File.ReadLines(file))
        {
            if (text.Trim().Length == 0)
            {
                continue;
            }

            line++;
            var input = (JsonObject)JsonNode.Parse(text)!;
            var resource = (JsonObject)input["resource"]!;
            var isGroup = resource["schemas"] is JsonArray schemas && schemas.Any(s => (string?)s == ScimSchemaUris.Group);
            var operations = input["operations"]!.DeepClone();
            var body = operations is JsonArray ? new JsonObject { ["schemas"] = new JsonArray(PatchRequest.PatchOpSchema), ["Operations"] = operations } : operations;
            var output = new JsonObject { ["line"] = line, ["label"] = input["label"]?.DeepClone() };
            try
            {
                var request = PatchRequest.Parse(body);
                var result = PatchApplier.Apply(resource, request, registry.GetResourceType(isGroup ? "Group" : "User"));
                output["ok"] = true;
                output["result"] = result.Resource;
            }
            catch (ScimException e)
            {
                output["ok"] = false;
                output["error"] = new JsonObject { ["scimType"] = e.ScimType is { } t ? ScimException.ToKeyword(t) : null, ["message"] = e.Detail };
            }

            Console.WriteLine(output.ToJsonString());
        }

        return 0;
    }
}
