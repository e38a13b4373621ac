using System.Text.Json.Nodes;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Patching;

/// <summary>
/// The JSON object that holds a schema's attributes: the resource itself for the core schema, the extension's object
/// (keyed by its schema URN and listed in <c>schemas</c>) for an extension — created on demand, dropped when emptied.
/// </summary>
internal static class AttributeContainers
{
    /// <summary>The object holding <paramref name="schema"/>'s attributes; an extension's is created when <paramref name="create"/>, else <see langword="null"/> when missing.</summary>
    public static JsonObject? Get(PatchSession session, SchemaDefinition schema, bool create)
    {
        var document = session.Document;
        if (ReferenceEquals(schema, session.ResourceType.Schema))
        {
            return document;
        }

        session.ExtensionsTouched = true;
        if (JsonMemberLookup.Get(document, schema.Id) is JsonObject extension)
        {
            return extension;
        }

        if (!create)
        {
            return null;
        }

        extension = [];
        document[schema.Id] = extension;
        if (JsonMemberLookup.Get(document, "schemas") is not JsonArray schemas)
        {
            schemas = [];
            document["schemas"] = schemas;
        }

        if (!schemas.Any(s => s is JsonValue v && v.TryGetValue<string>(out var uri) && string.Equals(uri, schema.Id, StringComparison.OrdinalIgnoreCase)))
        {
            schemas.Add(schema.Id);
        }

        return extension;
    }

    /// <summary>Removes every extension object that is empty, and its URN from <c>schemas</c>.</summary>
    public static void DropEmptyExtensions(PatchSession session)
    {
        var document = session.Document;
        var extensions = session.ResourceType.Extensions;
        for (var e = 0; e < extensions.Count; e++)
        {
            var extension = extensions[e];
            var key = JsonMemberLookup.Find(document, extension.Schema.Id);
            if (key is null || document[key] is not JsonObject { Count: 0 })
            {
                continue;
            }

            document.Remove(key);
            if (JsonMemberLookup.Get(document, "schemas") is JsonArray schemas)
            {
                for (var i = schemas.Count - 1; i >= 0; i--)
                {
                    if (schemas[i] is JsonValue v && v.TryGetValue<string>(out var uri) && string.Equals(uri, extension.Schema.Id, StringComparison.OrdinalIgnoreCase))
                    {
                        schemas.RemoveAt(i);
                    }
                }
            }
        }
    }
}
