namespace Jostle.Scim.Schema;

/// <summary>The data type of a SCIM attribute (RFC 7643 §2.3).</summary>
public enum AttributeType
{
    /// <summary>A sequence of characters (<c>string</c>).</summary>
    String,
    /// <summary>The literal <c>true</c> or <c>false</c> (<c>boolean</c>).</summary>
    Boolean,
    /// <summary>A real number with at least one digit after the decimal point (<c>decimal</c>).</summary>
    Decimal,
    /// <summary>A whole number (<c>integer</c>).</summary>
    Integer,
    /// <summary>An xsd:dateTime value, compared chronologically (<c>dateTime</c>).</summary>
    DateTime,
    /// <summary>Base64-encoded binary data (<c>binary</c>).</summary>
    Binary,
    /// <summary>A URI reference to a resource (<c>reference</c>).</summary>
    Reference,
    /// <summary>A composition of sub-attributes (<c>complex</c>).</summary>
    Complex,
}

/// <summary>Whether and how an attribute may be modified (RFC 7643 §7, <c>mutability</c>).</summary>
public enum Mutability
{
    /// <summary>The attribute may be updated and read at any time (<c>readWrite</c>).</summary>
    ReadWrite,
    /// <summary>The attribute cannot be modified by clients (<c>readOnly</c>).</summary>
    ReadOnly,
    /// <summary>The attribute may be set once, then never changed (<c>immutable</c>).</summary>
    Immutable,
    /// <summary>The attribute may be written but is never returned (<c>writeOnly</c>).</summary>
    WriteOnly,
}

/// <summary>When an attribute is returned in a response (RFC 7643 §7, <c>returned</c>).</summary>
public enum Returned
{
    /// <summary>Returned by default, unless excluded (<c>default</c>).</summary>
    Default,
    /// <summary>Always returned, whatever the request asks (<c>always</c>).</summary>
    Always,
    /// <summary>Never returned (<c>never</c>).</summary>
    Never,
    /// <summary>Returned only when named in <c>attributes</c> (<c>request</c>).</summary>
    Request,
}

/// <summary>How the service provider enforces uniqueness of a value (RFC 7643 §7, <c>uniqueness</c>).</summary>
public enum Uniqueness
{
    /// <summary>No uniqueness is enforced (<c>none</c>).</summary>
    None,
    /// <summary>The value is unique within the service provider's tenant (<c>server</c>).</summary>
    Server,
    /// <summary>The value is globally unique (<c>global</c>).</summary>
    Global,
}
