namespace Jostle.Scim;

/// <summary>
/// The compatibility rules each identity provider needs, by name: what its requests are known to carry (see
/// docs/providers.md). A host picks one for the whole service (<c>JostleScimOptions.Compatibility</c>) or per request
/// (an <c>IScimCompatibilitySelector</c>, e.g. by tenant, key or client). <see cref="ScimCompatibility.Default"/>
/// stays the default: it accepts every provider's shapes except a body without <c>schemas</c>.
/// </summary>
public static class ScimProfiles
{
    /// <summary>Microsoft Entra ID: capitalised ops, <c>"False"</c> strings, dotted path-less keys, manager as a string,
    /// value-path elements created on replace, member removal by value, and the validator's <c>""</c> null update.</summary>
    public static ScimCompatibility Entra { get; } =
        ScimCompatibility.StringBooleans | ScimCompatibility.CaseInsensitivePatchOp | ScimCompatibility.PathlessDottedKeys
        | ScimCompatibility.ManagerAsString | ScimCompatibility.CreateMissingValuePathElement | ScimCompatibility.RemoveMembersByValue
        | ScimCompatibility.IgnoreUnknownAttributes | ScimCompatibility.EmptyStringClears;

    /// <summary>Okta: real booleans and RFC PATCH; its POST carries <c>groups: []</c> and attributes of the app's own
    /// profile, which are dropped and logged.</summary>
    public static ScimCompatibility Okta { get; } = ScimCompatibility.CaseInsensitivePatchOp | ScimCompatibility.IgnoreUnknownAttributes;

    /// <summary>OneLogin's admin-written templates: the SCIM 1.1 core URN, <c>"id": null</c>, booleans as strings,
    /// and non-standard keys (<c>manager.managerId</c>) dropped and logged.</summary>
    public static ScimCompatibility OneLogin { get; } =
        ScimCompatibility.Scim11CoreSchema | ScimCompatibility.StringBooleans | ScimCompatibility.CaseInsensitivePatchOp | ScimCompatibility.IgnoreUnknownAttributes;

    /// <summary>JumpCloud: RFC shapes; attributes of its own dropped and logged.</summary>
    public static ScimCompatibility JumpCloud { get; } = ScimCompatibility.IgnoreUnknownAttributes;

    /// <summary>Google Workspace: RFC shapes sent as <c>application/json</c> (always accepted); attributes of its own dropped and logged.</summary>
    public static ScimCompatibility Google { get; } = ScimCompatibility.IgnoreUnknownAttributes;

    /// <summary>RFC 7643/7644 only: every quirk is refused, and so is an attribute no schema defines (400).</summary>
    public static ScimCompatibility Strict => ScimCompatibility.None;

    /// <summary>Finds a profile by name (<c>Entra</c>, <c>Okta</c>, <c>OneLogin</c>, <c>JumpCloud</c>, <c>Google</c>,
    /// <c>Strict</c>, <c>Default</c>), in any case.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="rules">The profile's rules.</param>
    /// <returns>Whether a profile has that name.</returns>
    public static bool TryGet(string name, out ScimCompatibility rules)
    {
        ArgumentNullException.ThrowIfNull(name);
        ScimCompatibility? found = name.ToUpperInvariant() switch
        {
            "ENTRA" => Entra,
            "OKTA" => Okta,
            "ONELOGIN" => OneLogin,
            "JUMPCLOUD" => JumpCloud,
            "GOOGLE" => Google,
            "STRICT" => Strict,
            "DEFAULT" => ScimCompatibility.Default,
            _ => null,
        };
        rules = found ?? ScimCompatibility.None;
        return found is not null;
    }
}
