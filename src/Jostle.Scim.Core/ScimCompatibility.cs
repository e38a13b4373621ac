namespace Jostle.Scim;

/// <summary>
/// Named compatibility rules for request bodies (resource validation and PATCH): shapes that real clients,
/// Microsoft Entra ID first, send although RFC 7643/7644 do not allow them. Each rule can be switched off,
/// and the engines report which rules a request needed so a host can log them.
/// (Filter-language rules are <see cref="Filtering.FilterCompatibility"/>.)
/// </summary>
[Flags]
public enum ScimCompatibility
{
    /// <summary>Strict RFC behaviour.</summary>
    None = 0,

    /// <summary><c>"True"</c>/<c>"False"</c> strings (any case) are taken as booleans where the schema says boolean.</summary>
    StringBooleans = 1 << 0,

    /// <summary>PATCH <c>op</c> values are matched case-insensitively (<c>Replace</c>, <c>Add</c>, <c>Remove</c>).</summary>
    CaseInsensitivePatchOp = 1 << 1,

    /// <summary>A path-less <c>replace</c>/<c>add</c> whose value has dotted keys (<c>"name.givenName"</c>) or
    /// full extension-URN keys (<c>"urn:…:enterprise:2.0:User:employeeNumber"</c>) applies each key as a path.</summary>
    PathlessDottedKeys = 1 << 2,

    /// <summary>The enterprise <c>manager</c> given as a bare string id is stored as <c>{"value": id}</c>.</summary>
    ManagerAsString = 1 << 3,

    /// <summary><c>add</c>/<c>replace</c> on <c>emails[type eq "work"].value</c> creates the element when no element matches.</summary>
    CreateMissingValuePathElement = 1 << 4,

    /// <summary><c>{"op":"remove","path":"members","value":[{"value":"id"}]}</c> removes exactly those members, not all.</summary>
    RemoveMembersByValue = 1 << 5,

    /// <summary>An attribute (or sub-attribute) no schema of the resource type defines is dropped, and named in the
    /// provisioning log record, instead of answering <c>400 invalidSyntax</c>.</summary>
    IgnoreUnknownAttributes = 1 << 6,

    /// <summary>OneLogin's templates: the SCIM 1.1 core URN <c>urn:scim:schemas:core:1.0</c> in <c>schemas</c> is read as the
    /// resource type's core schema, a <c>"id": null</c> on create is ignored, and a top-level
    /// <c>"manager": {"managerId": "…"}</c> is the enterprise extension's <c>manager</c> <c>{"value": "…"}</c>.</summary>
    Scim11CoreSchema = 1 << 7,

    /// <summary>A create or replace body without <c>schemas</c> is read as carrying the resource type's core schema.
    /// Not in <see cref="Default"/>: RFC 7643 §3 requires <c>schemas</c>, and a body without it may be meant for another endpoint.</summary>
    OmittedSchemas = 1 << 8,

    /// <summary>A PATCH <c>replace</c> of a path with the empty string <c>""</c> unassigns the attribute, as Microsoft's
    /// validator expects of its "null update" (a <c>null</c> value always unassigns: RFC 7643 §2.5).</summary>
    EmptyStringClears = 1 << 9,

    /// <summary>The rules in force unless a host or profile says otherwise: every rule but <see cref="OmittedSchemas"/>.</summary>
    Default = StringBooleans | CaseInsensitivePatchOp | PathlessDottedKeys | ManagerAsString | CreateMissingValuePathElement | RemoveMembersByValue
        | IgnoreUnknownAttributes | Scim11CoreSchema | EmptyStringClears,

    /// <summary>Every rule.</summary>
    All = Default | OmittedSchemas,
}
