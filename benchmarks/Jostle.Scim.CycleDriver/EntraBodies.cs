using System.Globalization;
using System.Text.Json;

namespace Jostle.Scim.CycleDriver;

/// <summary>
/// Request bodies shaped like the ones Microsoft Entra ID sends (Microsoft Learn, "Develop and plan provisioning for a
/// SCIM endpoint"; /work/shared/scim/notes.md): capitalised PATCH ops, groups created empty, the enterprise extension
/// under its URN. Deterministic per index, so every server receives the same bytes.
/// </summary>
internal static class EntraBodies
{
    private const string CoreUser = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string CoreGroup = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private static readonly string[] Departments = ["Engineering", "Sales", "Marketing", "Finance", "Support", "Operations", "Legal", "People"];
    private static readonly string[] Titles = ["Engineer", "Account Executive", "Analyst", "Manager", "Designer", "Consultant"];

    /// <summary>A stable GUID-shaped externalId (Entra sends the object id of the source user).</summary>
    public static string ExternalId(char kind, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"{(kind == 'u' ? "0000000a" : "0000000b")}-0000-4000-8000-{i:D12}");

    public static string GroupName(string prefix, int g) => string.Create(CultureInfo.InvariantCulture, $"{prefix} group {g:D4}");

    /// <summary>POST /Users; <paramref name="managerId"/> is the SCIM id of the user's manager when known.</summary>
    public static byte[] User(string userName, int i, string? managerId)
    {
        var given = string.Create(CultureInfo.InvariantCulture, $"Given{i}");
        var family = string.Create(CultureInfo.InvariantCulture, $"Family{i % 997}");
        using var buffer = new MemoryStream(640);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("schemas");
            w.WriteStringValue(CoreUser);
            w.WriteStringValue(EnterpriseUser);
            w.WriteEndArray();
            w.WriteString("externalId", ExternalId('u', i));
            w.WriteString("userName", userName);
            w.WriteBoolean("active", true);
            w.WriteString("displayName", $"{given} {family}");
            w.WriteString("title", Titles[i % Titles.Length]);
            w.WriteStartArray("emails");
            w.WriteStartObject();
            w.WriteBoolean("primary", true);
            w.WriteString("type", "work");
            w.WriteString("value", userName);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("meta");
            w.WriteString("resourceType", "User");
            w.WriteEndObject();
            w.WriteStartObject("name");
            w.WriteString("formatted", $"{given} {family}");
            w.WriteString("familyName", family);
            w.WriteString("givenName", given);
            w.WriteEndObject();
            w.WriteStartArray("roles");
            w.WriteEndArray();
            w.WriteStartObject(EnterpriseUser);
            w.WriteString("employeeNumber", i.ToString(CultureInfo.InvariantCulture));
            w.WriteString("department", Departments[i % Departments.Length]);
            w.WriteString("costCenter", string.Create(CultureInfo.InvariantCulture, $"CC-{i % 50:D3}"));
            w.WriteString("organization", "Jostle Load");
            if (managerId is not null)
            {
                w.WriteStartObject("manager");
                w.WriteString("value", managerId);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>POST /Groups: Entra creates a group empty and adds its members by PATCH afterwards.</summary>
    public static byte[] Group(string prefix, int g)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("schemas");
            w.WriteStringValue(CoreGroup);
            w.WriteEndArray();
            w.WriteString("externalId", ExternalId('g', g));
            w.WriteString("displayName", GroupName(prefix, g));
            w.WriteStartArray("members");
            w.WriteEndArray();
            w.WriteStartObject("meta");
            w.WriteString("resourceType", "Group");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>PATCH /Groups/{id} adding members the way Entra does without the aadOptscim062020 flag.</summary>
    public static byte[] AddMembers(IEnumerable<string> memberIds)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("schemas");
            w.WriteStringValue(PatchOp);
            w.WriteEndArray();
            w.WriteStartArray("Operations");
            w.WriteStartObject();
            w.WriteString("op", "Add");
            w.WriteString("path", "members");
            w.WriteStartArray("value");
            foreach (var id in memberIds)
            {
                w.WriteStartObject();
                w.WriteString("value", id);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>PATCH /Users/{id} the way Entra sends an attribute change: Replace operations without a filter.</summary>
    public static byte[] ReplaceUser(string title, bool active)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("schemas");
            w.WriteStringValue(PatchOp);
            w.WriteEndArray();
            w.WriteStartArray("Operations");
            w.WriteStartObject();
            w.WriteString("op", "Replace");
            w.WriteString("path", "title");
            w.WriteString("value", title);
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("op", "Replace");
            w.WriteString("path", "active");
            w.WriteBoolean("value", active);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>PATCH /Groups/{id} removing one member, as Entra does (a filtered path).</summary>
    public static byte[] RemoveMember(string memberId)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("schemas");
            w.WriteStringValue(PatchOp);
            w.WriteEndArray();
            w.WriteStartArray("Operations");
            w.WriteStartObject();
            w.WriteString("op", "Remove");
            w.WriteString("path", $"members[value eq \"{memberId}\"]");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
