using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Schema;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>The built-in attribute maps of the store's entities, and the reading of documents into them.</summary>
internal static class EntityDocuments
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser + ":";
    private const string Jostle = ScimSchemaUris.JostleUser + ":";

    public static ScimAttributeMap<ScimUserEntity> UserMap { get; } = new ScimAttributeMap<ScimUserEntity>()
        .MapDocument(u => u.Document, EfJsonAccess.Instance)
        .Map("id", u => u.Id)
        .Map("userName", u => u.UserName, normalized: u => u.NormalizedUserName)
        .Map("externalId", u => u.ExternalId)
        .Map("displayName", u => u.DisplayName, normalized: u => u.NormalizedDisplayName)
        .Map("active", u => u.Active)
        .Map("name.givenName", u => u.GivenName, normalized: u => u.NormalizedGivenName)
        .Map("name.familyName", u => u.FamilyName, normalized: u => u.NormalizedFamilyName)
        .Map("nickName", u => u.NickName)
        .Map("title", u => u.Title)
        .Map("userType", u => u.UserType)
        .Map("meta.created", u => u.Created)
        .Map("meta.lastModified", u => u.LastModified)
        .Map(Enterprise + "employeeNumber", u => u.EmployeeNumber)
        .Map(Enterprise + "costCenter", u => u.CostCenter)
        .Map(Enterprise + "organization", u => u.Organization)
        .Map(Enterprise + "division", u => u.Division)
        .Map(Enterprise + "department", u => u.Department)
        .Map(Enterprise + "manager.value", u => u.ManagerId)
        .Map(Jostle + "alternateEmail1Label", u => u.AlternateEmail1Label)
        .Map(Jostle + "alternateEmail2Label", u => u.AlternateEmail2Label)
        .MapCollection("emails", u => u.Emails, email => email
            .Map("value", e => e.Value, normalized: e => e.NormalizedValue)
            .Map("type", e => e.Type)
            .Map("primary", e => e.Primary))
        .MapCollection("phoneNumbers", u => u.PhoneNumbers, phone => phone
            .Map("value", p => p.Value, normalized: p => p.NormalizedValue)
            .Map("type", p => p.Type)
            .Map("primary", p => p.Primary));

    public static ScimAttributeMap<ScimGroupEntity> GroupMap { get; } = new ScimAttributeMap<ScimGroupEntity>()
        .MapDocument(g => g.Document, EfJsonAccess.Instance)
        .Map("id", g => g.Id)
        .Map("displayName", g => g.DisplayName, normalized: g => g.NormalizedDisplayName)
        .Map("externalId", g => g.ExternalId)
        .Map("meta.created", g => g.Created)
        .Map("meta.lastModified", g => g.LastModified)
        .MapCollection("members", g => g.Members, member => member
            .Map("value", m => m.MemberId)
            .Map("type", m => m.MemberType));

    /// <summary>Copies a User document's columns into an entity (children replaced).</summary>
    public static void Fill(ScimUserEntity user, string tenantId, JsonObject document)
    {
        user.TenantId = tenantId;
        user.Id = RequiredString(document, "id");
        user.UserName = String(document, "userName") ?? "";
        user.NormalizedUserName = ScimAttributeMap.Normalize(user.UserName)!;
        user.ExternalId = String(document, "externalId");
        user.DisplayName = String(document, "displayName");
        user.NormalizedDisplayName = ScimAttributeMap.Normalize(user.DisplayName);
        user.Active = Find(document, "active") is JsonValue active && active.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? active.GetValue<bool>() : null;
        var name = Find(document, "name") as JsonObject;
        user.GivenName = name is null ? null : String(name, "givenName");
        user.NormalizedGivenName = ScimAttributeMap.Normalize(user.GivenName);
        user.FamilyName = name is null ? null : String(name, "familyName");
        user.NormalizedFamilyName = ScimAttributeMap.Normalize(user.FamilyName);
        user.NickName = String(document, "nickName");
        user.Title = String(document, "title");
        user.UserType = String(document, "userType");
        var enterprise = Find(document, ScimSchemaUris.EnterpriseUser) as JsonObject;
        user.EmployeeNumber = enterprise is null ? null : String(enterprise, "employeeNumber");
        user.CostCenter = enterprise is null ? null : String(enterprise, "costCenter");
        user.Organization = enterprise is null ? null : String(enterprise, "organization");
        user.Division = enterprise is null ? null : String(enterprise, "division");
        user.Department = enterprise is null ? null : String(enterprise, "department");
        user.ManagerId = enterprise is not null && Find(enterprise, "manager") is JsonObject manager ? String(manager, "value") : null;
        var jostle = Find(document, ScimSchemaUris.JostleUser) as JsonObject;
        user.AlternateEmail1Label = jostle is null ? null : String(jostle, "alternateEmail1Label");
        user.AlternateEmail2Label = jostle is null ? null : String(jostle, "alternateEmail2Label");
        (user.Created, user.LastModified, user.Version) = Meta(document);
        user.Document = document.ToJsonString();

        user.Emails.Clear();
        foreach (var element in Elements(document, "emails"))
        {
            var value = String(element, "value");
            user.Emails.Add(new ScimUserEmailEntity
            {
                TenantId = tenantId,
                Value = value,
                NormalizedValue = ScimAttributeMap.Normalize(value),
                Type = String(element, "type"),
                Primary = Boolean(element, "primary"),
            });
        }

        user.PhoneNumbers.Clear();
        foreach (var element in Elements(document, "phoneNumbers"))
        {
            var value = String(element, "value");
            user.PhoneNumbers.Add(new ScimUserPhoneNumberEntity
            {
                TenantId = tenantId,
                Value = value,
                NormalizedValue = ScimAttributeMap.Normalize(value),
                Type = String(element, "type"),
                Primary = Boolean(element, "primary"),
            });
        }
    }

    /// <summary>Copies a Group document's columns into an entity; returns its members (value and type, in order, without duplicates).</summary>
    public static List<(string Value, string? Type)> Fill(ScimGroupEntity group, string tenantId, JsonObject document)
    {
        group.TenantId = tenantId;
        group.Id = RequiredString(document, "id");
        group.DisplayName = String(document, "displayName");
        group.NormalizedDisplayName = ScimAttributeMap.Normalize(group.DisplayName);
        group.ExternalId = String(document, "externalId");
        (group.Created, group.LastModified, group.Version) = Meta(document);

        var members = new List<(string Value, string? Type)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in Elements(document, "members"))
        {
            if (String(element, "value") is { } value && seen.Add(value))
            {
                members.Add((value, String(element, "type")));
            }
        }

        var withoutMembers = document.DeepClone().AsObject();
        if (FindKey(withoutMembers, "members") is { } key)
        {
            withoutMembers.Remove(key);
        }

        group.Document = withoutMembers.ToJsonString();
        return members;
    }

    /// <summary>A group document with its new version and modification time in <c>meta</c>.</summary>
    public static string WithMeta(string document, string version, DateTimeOffset lastModified)
    {
        var node = JsonNode.Parse(document)!.AsObject();
        if (Find(node, "meta") is not JsonObject meta)
        {
            meta = [];
            node["meta"] = meta;
        }

        meta[FindKey(meta, "version") ?? "version"] = version;
        meta[FindKey(meta, "lastModified") ?? "lastModified"] = lastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        return node.ToJsonString();
    }

    /// <summary>A stored group document with its members appended (left out when there are none).</summary>
    public static JsonElement WithMembers(string document, IEnumerable<ScimGroupMemberEntity> members)
    {
        var list = members.ToList();
        if (list.Count == 0)
        {
            return Element(document);
        }

        var node = JsonNode.Parse(document)!.AsObject();
        var array = new JsonArray();
        foreach (var member in list)
        {
            var item = new JsonObject { ["value"] = member.MemberId };
            if (member.MemberType is not null)
            {
                item["type"] = member.MemberType;
            }

            array.Add(item);
        }

        node["members"] = array;
        return JsonSerializer.SerializeToElement(node);
    }

    public static JsonElement Element(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    public static string RequiredString(JsonObject document, string name) =>
        String(document, name) ?? throw new ArgumentException($"The document has no '{name}'.", nameof(document));

    private static (DateTime? Created, DateTime? LastModified, string Version) Meta(JsonObject document)
    {
        var meta = Find(document, "meta") as JsonObject;
        return (
            meta is null ? null : Date(String(meta, "created")),
            meta is null ? null : Date(String(meta, "lastModified")),
            (meta is null ? null : String(meta, "version")) ?? throw new ArgumentException("The document has no 'meta.version'.", nameof(document)));
    }

    private static DateTime? Date(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when.UtcDateTime : null;

    private static IEnumerable<JsonObject> Elements(JsonObject document, string name) =>
        Find(document, name) is JsonArray array ? array.OfType<JsonObject>() : [];

    private static string? String(JsonObject node, string name) =>
        Find(node, name) is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static bool? Boolean(JsonObject node, string name) =>
        Find(node, name) is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? value.GetValue<bool>() : null;

    private static JsonNode? Find(JsonObject node, string name) =>
        node.TryGetPropertyValue(name, out var exact) ? exact : FindKey(node, name) is { } key ? node[key] : null;

    private static string? FindKey(JsonObject node, string name)
    {
        foreach (var property in node)
        {
            if (string.Equals(property.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Key;
            }
        }

        return null;
    }
}
