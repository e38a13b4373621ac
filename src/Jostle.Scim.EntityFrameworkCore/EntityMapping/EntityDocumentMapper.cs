using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Schema;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// Turns a host entity into a SCIM document and a SCIM document into the entity's members, through a resolved map.
/// What the map does not name goes to the overflow column (when there is one) or is reported as not stored.
/// </summary>
internal sealed class EntityDocumentMapper(ResolvedEntityMap map)
{
    private readonly EntityMapDefinition _definition = map.Definition;

    public ResolvedEntityMap Map => map;

    /// <summary>The entity's SCIM id.</summary>
    public string Id(object entity) => EntityMember.KeyToString(_definition.Id!.Get(entity)) ?? "";

    /// <summary>The entity's <c>meta.version</c>.</summary>
    public string Version(object entity) => EntityVersion.Format(_definition.Version!.Get(entity));

    /// <summary>The document of an entity: overflow attributes, then mapped ones over them; <c>schemas</c> for the extensions present; <c>meta</c> last.</summary>
    public JsonObject Compose(object entity, JsonArray? members = null)
    {
        // The overflow object itself is the body the mapped attributes are set over (nothing to copy).
        var body = _definition.Overflow?.Get(entity) is string { Length: > 0 } overflow && JsonNode.Parse(overflow) is JsonObject kept ? kept : [];

        foreach (var scalar in map.Scalars)
        {
            if (ToJson(scalar.Member.Get(entity)) is not { } value)
            {
                continue;
            }

            var container = Container(body, scalar.Schema, scalar.IsCore, create: true)!;
            if (scalar.Sub is null)
            {
                container[scalar.Attribute.Name] = value;
            }
            else
            {
                if (container[scalar.Attribute.Name] is not JsonObject complex)
                {
                    complex = [];
                    container[scalar.Attribute.Name] = complex;
                }

                complex[scalar.Sub.Name] = value;
            }
        }

        foreach (var group in map.SlotGroups)
        {
            var elements = new JsonArray();
            var container = Container(body, group.Schema, group.IsCore, create: false);
            var rest = container?[group.Attribute.Name] as JsonArray;
            foreach (var slot in group.Slots)
            {
                if (ToJson(slot.Subs[0].Member.Get(entity)) is null)
                {
                    continue;
                }

                var element = new JsonObject();
                foreach (var (sub, member, _) in slot.Subs)
                {
                    if (ToJson(member.Get(entity)) is { } value)
                    {
                        element[sub.Name] = value;
                    }
                }

                element[group.Key] = slot.Value;
                elements.Add(element);
            }

            if (rest is not null)
            {
                foreach (var item in rest.ToList())
                {
                    rest.Remove(item);
                    var key = item is JsonObject o && Find(o, group.Key) is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
                    if (key is null || !group.Slots.Any(s => string.Equals(s.Value, key, StringComparison.OrdinalIgnoreCase)))
                    {
                        elements.Add(item);
                        continue;
                    }

                    // What the slot's columns do not hold (e.g. primary), kept beside its discriminator; gone with the slot's value.
                    var slotted = elements.OfType<JsonObject>().FirstOrDefault(e => e[group.Key] is JsonValue k && string.Equals(k.GetValue<string>(), key, StringComparison.OrdinalIgnoreCase));
                    foreach (var (name, value) in slotted is null ? [] : ((JsonObject)item!).ToList())
                    {
                        if (!slotted!.ContainsKey(name))
                        {
                            ((JsonObject)item!).Remove(name);
                            slotted[name] = value;
                        }
                    }
                }
            }

            if (elements.Count > 0)
            {
                Container(body, group.Schema, group.IsCore, create: true)![group.Attribute.Name] = elements;
            }
            else
            {
                container?.Remove(group.Attribute.Name);
            }
        }

        if (members is not null && members.Count > 0)
        {
            body["members"] = members;
        }

        var schemas = new JsonArray(map.ResourceType.Schema.Id);
        foreach (var extension in map.ResourceType.Extensions)
        {
            if (body[extension.Schema.Id] is JsonObject { Count: > 0 })
            {
                schemas.Add(extension.Schema.Id);
            }
            else
            {
                body.Remove(extension.Schema.Id);
            }
        }

        JsonObject document;
        if (body.ContainsKey("schemas") || body.ContainsKey("id"))
        {
            // An overflow column written with its own schemas or id (not by this store): they win, where they stood.
            document = new JsonObject { ["schemas"] = schemas, ["id"] = Id(entity) };
            foreach (var (name, value) in body.ToList())
            {
                body.Remove(name);
                document[name] = value;
            }
        }
        else
        {
            document = body;
            document.Insert(0, "schemas", schemas);
            document.Insert(1, "id", Id(entity));
        }

        var meta = new JsonObject { ["resourceType"] = map.ResourceType.Name };
        if (_definition.Created is { } created && ToJson(created.Get(entity)) is { } createdAt)
        {
            meta["created"] = createdAt;
        }

        if (_definition.LastModified is { } lastModified && ToJson(lastModified.Get(entity)) is { } lastModifiedAt)
        {
            meta["lastModified"] = lastModifiedAt;
        }

        meta["version"] = Version(entity);
        document["meta"] = meta;
        return document;
    }

    /// <summary>
    /// Sets the mapped members from a complete document (a member whose attribute is absent is cleared) and the overflow
    /// column from what is left. Returns the SCIM paths of what is left when there is no overflow column.
    /// </summary>
    public List<string> Apply(JsonObject document, object entity, bool create, DateTimeOffset now)
    {
        var rest = (JsonObject)document.DeepClone();
        foreach (var name in new[] { "schemas", "id", "meta", "groups", "members", "password" })
        {
            Remove(rest, name);
        }

        foreach (var scalar in map.Scalars)
        {
            var container = Container(rest, scalar.Schema, scalar.IsCore, create: false);
            JsonNode? value = null;
            if (container is not null)
            {
                if (scalar.Sub is null)
                {
                    value = Take(container, scalar.Attribute.Name);
                }
                else if (Find(container, scalar.Attribute.Name) is JsonObject complex)
                {
                    value = Take(complex, scalar.Sub.Name);
                    if (complex.Count == 0)
                    {
                        Remove(container, scalar.Attribute.Name);
                    }
                }
            }

            SetMember(entity, scalar.Member, scalar.Normalized, value, scalar.Path);
        }

        foreach (var group in map.SlotGroups)
        {
            var container = Container(rest, group.Schema, group.IsCore, create: false);
            var elements = container is null ? null : Find(container, group.Attribute.Name) as JsonArray;
            foreach (var slot in group.Slots)
            {
                var element = elements?.OfType<JsonObject>().FirstOrDefault(e => Find(e, group.Key) is JsonValue v && v.TryGetValue<string>(out var text)
                    && string.Equals(text, slot.Value, StringComparison.OrdinalIgnoreCase));
                foreach (var (sub, member, normalized) in slot.Subs)
                {
                    SetMember(entity, member, normalized, element is null ? null : Take(element, sub.Name), $"{group.Attribute.Name}[{group.Key} eq \"{slot.Value}\"].{sub.Name}");
                }

                if (element is not null)
                {
                    Remove(element, group.Key);
                    if (element.Count == 0)
                    {
                        elements!.Remove(element);
                    }
                    else
                    {
                        // What the slot has no member for (e.g. primary) stays with the element's discriminator.
                        element[group.Key] = slot.Value;
                    }
                }
            }

            if (elements is { Count: 0 })
            {
                Remove(container!, group.Attribute.Name);
            }
        }

        foreach (var extension in map.ResourceType.Extensions)
        {
            if (Find(rest, extension.Schema.Id) is JsonObject { Count: 0 })
            {
                Remove(rest, extension.Schema.Id);
            }
        }

        if (create && _definition.Created is { } created)
        {
            created.Set(entity, FromDate(document, "created", created.ValueType, now));
        }

        if (_definition.LastModified is { } lastModified)
        {
            lastModified.Set(entity, FromDate(document, "lastModified", lastModified.ValueType, now));
        }

        if (_definition.Overflow is { } overflow)
        {
            overflow.Set(entity, rest.Count == 0 ? null : rest.ToJsonString());
            return [];
        }

        return NotStored(rest);
    }

    /// <summary>The SCIM paths of what is left of a document: attributes, extension attributes under their URN, and slot leftovers by element.</summary>
    private List<string> NotStored(JsonObject rest)
    {
        var paths = new List<string>();
        foreach (var (name, value) in rest)
        {
            if (map.ResourceType.Extensions.Any(e => string.Equals(e.Schema.Id, name, StringComparison.OrdinalIgnoreCase)) && value is JsonObject extension)
            {
                paths.AddRange(extension.Select(p => name + ":" + p.Key));
                continue;
            }

            var group = map.SlotGroups.FirstOrDefault(g => g.IsCore && string.Equals(g.Attribute.Name, name, StringComparison.OrdinalIgnoreCase));
            if (group is not null && value is JsonArray elements)
            {
                foreach (var element in elements.OfType<JsonObject>())
                {
                    var key = Find(element, group.Key) is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
                    var slotted = key is not null && group.Slots.Any(s => string.Equals(s.Value, key, StringComparison.OrdinalIgnoreCase));
                    var where = key is null ? name : $"{name}[{group.Key} eq \"{key}\"]";
                    paths.AddRange(slotted ? element.Where(p => p.Key != group.Key).Select(p => where + "." + p.Key) : [where]);
                }

                continue;
            }

            if (value is JsonObject complex && complex.Count > 0)
            {
                paths.AddRange(complex.Select(p => name + "." + p.Key));
                continue;
            }

            paths.Add(name);
        }

        return [.. paths.Distinct(StringComparer.Ordinal)];
    }

    private static object? FromDate(JsonObject document, string name, Type type, DateTimeOffset now)
    {
        var when = Find(document, "meta") is JsonObject meta && Find(meta, name) is JsonValue v && v.TryGetValue<string>(out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : now;
        return type == typeof(DateTime) ? (object)when.UtcDateTime : when.ToUniversalTime();
    }

    private static void SetMember(object entity, EntityMember member, EntityMember? normalized, JsonNode? value, string path)
    {
        var converted = FromJson(value, member, path);
        member.Set(entity, converted);
        normalized?.Set(entity, converted is string text ? ScimAttributeMap.Normalize(text) : converted);
    }

    /// <summary>A JSON value as the member's type; absent is null (or the type's default, or "" for a required string).</summary>
    private static object? FromJson(JsonNode? value, EntityMember member, string path)
    {
        var type = member.ValueType;
        if (value is null || value.GetValueKind() == JsonValueKind.Null)
        {
            return member.Type.IsValueType && Nullable.GetUnderlyingType(member.Type) is null ? Activator.CreateInstance(member.Type) : null;
        }

        try
        {
            var element = value is JsonValue v && v.TryGetValue<JsonElement>(out var parsed) ? parsed : JsonSerializer.SerializeToElement(value);
            return type == typeof(string) ? element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText()
                : type == typeof(bool) ? element.GetBoolean()
                : type == typeof(int) ? element.GetInt32()
                : type == typeof(long) ? element.GetInt64()
                : type == typeof(short) ? element.GetInt16()
                : type == typeof(decimal) ? element.GetDecimal()
                : type == typeof(double) ? element.GetDouble()
                : type == typeof(float) ? element.GetSingle()
                : type == typeof(DateTime) ? DateTimeOffset.Parse(element.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime
                : type == typeof(DateTimeOffset) ? DateTimeOffset.Parse(element.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : throw new NotSupportedException(type.Name);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw new ScimException(ScimErrorType.InvalidValue, $"The value of '{path}' does not fit where this service provider keeps it ({member.Type.Name}).");
        }
    }

    /// <summary>A member's value as JSON; null and the empty string are absent.</summary>
    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string { Length: 0 } => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        DateTime instant => JsonValue.Create(DateTime.SpecifyKind(instant, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)),
        DateTimeOffset offset => JsonValue.Create(offset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)),
        int number => JsonValue.Create(number),
        long number => JsonValue.Create(number),
        short number => JsonValue.Create(number),
        decimal number => JsonValue.Create(number),
        double number => JsonValue.Create(number),
        float number => JsonValue.Create(number),
        _ => JsonValue.Create(value.ToString()),
    };

    /// <summary>Where a schema's attributes sit: the document for the core schema, the URN object for an extension.</summary>
    private static JsonObject? Container(JsonObject document, SchemaDefinition schema, bool isCore, bool create)
    {
        if (isCore)
        {
            return document;
        }

        if (Find(document, schema.Id) is JsonObject extension)
        {
            return extension;
        }

        if (!create)
        {
            return null;
        }

        extension = [];
        document[schema.Id] = extension;
        return extension;
    }

    private static JsonNode? Find(JsonObject obj, string name)
    {
        if (obj.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static JsonNode? Take(JsonObject obj, string name)
    {
        var value = Find(obj, name);
        Remove(obj, name);
        return value;
    }

    private static void Remove(JsonObject obj, string name)
    {
        if (obj.Remove(name))
        {
            return;
        }

        foreach (var key in obj.Select(p => p.Key).Where(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            obj.Remove(key);
        }
    }
}
