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

    /// <summary>Every rule.</summary>
    All = StringBooleans | CaseInsensitivePatchOp | PathlessDottedKeys | ManagerAsString | CreateMissingValuePathElement | RemoveMembersByValue,
}
