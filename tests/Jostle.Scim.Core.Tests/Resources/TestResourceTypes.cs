using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Resources;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Resources;

/// <summary>
/// The resource types the resource tests use: the built-in User and Group, and "Thing", a test schema with one attribute
/// of every type and characteristic, so that type checks do not depend on which built-in attributes have which type.
/// </summary>
internal static class TestResourceTypes
{
    public const string ThingUri = "urn:test:schemas:Thing";
    public const string ThingExtensionUri = "urn:test:schemas:ThingExtension";

    public static SchemaDefinition ThingSchema { get; } = new(ThingUri, "Thing",
    [
        new("label", AttributeType.String) { Required = true },
        new("code", AttributeType.String) { CaseExact = true },
        new("enabled", AttributeType.Boolean),
        new("count", AttributeType.Integer),
        new("ratio", AttributeType.Decimal),
        new("seenAt", AttributeType.DateTime),
        new("blob", AttributeType.Binary),
        new("homepage", AttributeType.Reference) { ReferenceTypes = ["external"] },
        new("serial", AttributeType.String) { Mutability = Mutability.Immutable },
        new("computed", AttributeType.String) { Mutability = Mutability.ReadOnly },
        new("secret", AttributeType.String) { Mutability = Mutability.WriteOnly, Returned = Returned.Never },
        new("internalNote", AttributeType.String) { Returned = Returned.Request },
        new("tags", AttributeType.String) { MultiValued = true },
        new("spec", AttributeType.Complex)
        {
            SubAttributes =
            [
                new("color", AttributeType.String),
                new("size", AttributeType.Integer),
                new("origin", AttributeType.String) { Mutability = Mutability.Immutable },
                new("checkedBy", AttributeType.String) { Mutability = Mutability.ReadOnly },
                new("hidden", AttributeType.String) { Returned = Returned.Never },
                new("extra", AttributeType.String) { Returned = Returned.Request },
            ],
        },
        new("parts", AttributeType.Complex)
        {
            MultiValued = true,
            SubAttributes =
            [
                new("value", AttributeType.String) { Required = true },
                new("type", AttributeType.String),
                new("primary", AttributeType.Boolean),
                new("weight", AttributeType.Decimal),
            ],
        },
    ]);

    public static SchemaDefinition ThingExtension { get; } = new(ThingExtensionUri, "ThingExtension",
    [
        new("owner", AttributeType.String),
        new("level", AttributeType.Integer),
        new("badge", AttributeType.String) { Required = true },
    ]);

    public static ResourceTypeDefinition Thing { get; } =
        new("Thing", "/Things", ThingSchema, [new SchemaExtension(ThingExtension, Required: false)]);

    /// <summary>Like Thing, but every resource must carry the extension.</summary>
    public static ResourceTypeDefinition StrictThing { get; } =
        new("StrictThing", "/StrictThings", ThingSchema, [new SchemaExtension(ThingExtension, Required: true)]);

    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();

    public static ResourceTypeDefinition Get(string name) => name switch
    {
        "Thing" => Thing,
        "StrictThing" => StrictThing,
        _ => Registry.GetResourceType(name),
    };

    public static ScimResourceEngine Engine(string name, ScimCompatibility compatibility = ScimCompatibility.All, TimeProvider? clock = null) =>
        new(Get(name), new ScimResourceOptions { Compatibility = compatibility, TimeProvider = clock ?? TimeProvider.System });

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}

/// <summary>A clock that says what the test tells it to.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Reads a JSON-lines case file from Cases/resources: one JSON object per line; blank lines and lines starting with // are skipped.</summary>
internal static class CaseFile
{
    public static IReadOnlyList<JsonObject> Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Cases", "resources", fileName);
        var cases = new List<JsonObject>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                cases.Add(JsonNode.Parse(trimmed)!.AsObject());
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"{fileName} line {lineNumber}: {e.Message}", e);
            }
        }

        return cases;
    }

    public static TheoryData<string> Names(string fileName)
    {
        var data = new TheoryData<string>();
        var seen = new HashSet<string>();
        foreach (var item in Load(fileName))
        {
            var name = (string)item["name"]!;
            if (!seen.Add(name))
            {
                throw new InvalidOperationException($"{fileName}: duplicate case name '{name}'.");
            }

            data.Add(name);
        }

        return data;
    }

    public static JsonObject Find(string fileName, string name) =>
        Load(fileName).Single(c => (string)c["name"]! == name);
}
