namespace Jostle.Scim.Schema;

/// <summary>The URNs of the schemas and messages that the library knows.</summary>
public static class ScimSchemaUris
{
    /// <summary>The core User schema (RFC 7643 §4.1).</summary>
    public const string User = "urn:ietf:params:scim:schemas:core:2.0:User";

    /// <summary>The core Group schema (RFC 7643 §4.2).</summary>
    public const string Group = "urn:ietf:params:scim:schemas:core:2.0:Group";

    /// <summary>The Enterprise User extension (RFC 7643 §4.3).</summary>
    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>The Jostle User extension.</summary>
    public const string JostleUser = "urn:ietf:params:scim:schemas:extension:jostle:2.0:User";

    /// <summary>The Schema schema (RFC 7643 §7).</summary>
    public const string Schema = "urn:ietf:params:scim:schemas:core:2.0:Schema";

    /// <summary>The ResourceType schema (RFC 7643 §6).</summary>
    public const string ResourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

    /// <summary>The ServiceProviderConfig schema (RFC 7643 §5).</summary>
    public const string ServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
}
