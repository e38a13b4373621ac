namespace Jostle.Scim;

/// <summary>The <c>scimType</c> values of RFC 7644 §3.12, Table 9.</summary>
public enum ScimErrorType
{
    /// <summary><c>invalidFilter</c>: the filter syntax was invalid, or it named an unknown attribute or compared a type it cannot.</summary>
    InvalidFilter,
    /// <summary><c>tooMany</c>: the filter yields too many results.</summary>
    TooMany,
    /// <summary><c>uniqueness</c>: one or more attribute values are already in use.</summary>
    Uniqueness,
    /// <summary><c>mutability</c>: the attempted modification is not compatible with the attribute's mutability.</summary>
    Mutability,
    /// <summary><c>invalidSyntax</c>: the request body structure was invalid.</summary>
    InvalidSyntax,
    /// <summary><c>invalidPath</c>: the <c>path</c> attribute was invalid or malformed.</summary>
    InvalidPath,
    /// <summary><c>noTarget</c>: the path did not yield an attribute or value that could be operated on.</summary>
    NoTarget,
    /// <summary><c>invalidValue</c>: a required value was missing, or the value is not compatible with the attribute.</summary>
    InvalidValue,
    /// <summary><c>invalidVers</c>: the specified SCIM protocol version is not supported.</summary>
    InvalidVersion,
    /// <summary><c>sensitive</c>: the request cannot be completed because of sensitive information in the URI.</summary>
    Sensitive,
    /// <summary><c>invalidCursor</c> (RFC 9865): the cursor is malformed, was altered, or belongs to another query (filter, sort, resource type or tenant).</summary>
    InvalidCursor,
    /// <summary><c>expiredCursor</c> (RFC 9865): the cursor was valid but has expired; start again from the first page.</summary>
    ExpiredCursor,
    /// <summary><c>invalidCount</c> (RFC 9865): the <c>count</c> of a cursor-paged request is not a non-negative integer.</summary>
    InvalidCount,
}

/// <summary>
/// A failure the client caused, carrying what a SCIM error response needs: the HTTP status, the
/// <c>scimType</c> (when the RFC defines one for it) and a <c>detail</c> a person can act on.
/// The engines (filters, PATCH, validation) throw or return it; the endpoints turn it into an error body.
/// </summary>
public class ScimException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">The HTTP status code, e.g. 400.</param>
    /// <param name="scimType">The <c>scimType</c>, or <see langword="null"/> when none applies (e.g. 404).</param>
    /// <param name="detail">A readable explanation.</param>
    public ScimException(int status, ScimErrorType? scimType, string detail)
        : base(detail)
    {
        Status = status;
        ScimType = scimType;
    }

    /// <summary>Creates a 400 error with a <c>scimType</c>.</summary>
    /// <param name="scimType">The <c>scimType</c>.</param>
    /// <param name="detail">A readable explanation.</param>
    public ScimException(ScimErrorType scimType, string detail)
        : this(400, scimType, detail)
    {
    }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>The <c>scimType</c>, or <see langword="null"/>.</summary>
    public ScimErrorType? ScimType { get; }

    /// <summary>The readable explanation (the SCIM <c>detail</c>).</summary>
    public string Detail => Message;

    /// <summary>The RFC spelling of a <c>scimType</c>, e.g. <c>invalidFilter</c>.</summary>
    /// <param name="type">The type.</param>
    /// <returns>Its RFC 7644 keyword.</returns>
    public static string ToKeyword(ScimErrorType type) => type switch
    {
        ScimErrorType.InvalidFilter => "invalidFilter",
        ScimErrorType.TooMany => "tooMany",
        ScimErrorType.Uniqueness => "uniqueness",
        ScimErrorType.Mutability => "mutability",
        ScimErrorType.InvalidSyntax => "invalidSyntax",
        ScimErrorType.InvalidPath => "invalidPath",
        ScimErrorType.NoTarget => "noTarget",
        ScimErrorType.InvalidValue => "invalidValue",
        ScimErrorType.InvalidVersion => "invalidVers",
        ScimErrorType.Sensitive => "sensitive",
        ScimErrorType.InvalidCursor => "invalidCursor",
        ScimErrorType.ExpiredCursor => "expiredCursor",
        ScimErrorType.InvalidCount => "invalidCount",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
