using Jostle.Scim.Provisioning;

namespace Jostle.Scim.Administration;

/// <summary>The kinds of failure <see cref="ScimFailureHints.For"/> tells apart.</summary>
public enum ScimFailureKind
{
    /// <summary>A failure no more specific kind describes.</summary>
    Other = 0,

    /// <summary>Attributes no schema defines were dropped (a success that carries a warning).</summary>
    UnknownAttribute,

    /// <summary>A filter was refused (<c>invalidFilter</c>).</summary>
    FilterRefused,

    /// <summary>The token was missing, malformed or unknown (401).</summary>
    BadCredential,

    /// <summary>The key or secret was revoked (401).</summary>
    RevokedCredential,

    /// <summary>The key or secret expired (401).</summary>
    ExpiredCredential,

    /// <summary>The caller is not allowed, or its tenant does not match (403).</summary>
    Forbidden,

    /// <summary>Another resource holds a unique value (409 <c>uniqueness</c>).</summary>
    Uniqueness,

    /// <summary>The resource changed since it was read (412).</summary>
    VersionMismatch,

    /// <summary>The rate limit refused the request (429).</summary>
    RateLimited,

    /// <summary>The resource does not exist (404).</summary>
    NotFound,

    /// <summary>A value breaks the schema: wrong type, missing required attribute, read-only or immutable attribute, bad path.</summary>
    SchemaViolation,

    /// <summary>The request body is not valid JSON or not a SCIM message.</summary>
    InvalidSyntax,

    /// <summary>The request or result was too large (413, <c>tooMany</c>).</summary>
    TooLarge,

    /// <summary>The server failed (5xx).</summary>
    ServerError,
}

/// <summary>A hint shown beside a log record: what went wrong, in a line, and what to change.</summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="Summary">What went wrong.</param>
/// <param name="Action">What the admin should change, and where.</param>
public sealed record ScimFailureHint(ScimFailureKind Kind, string Summary, string Action);

/// <summary>Hints that say what to change for each kind of failure in the provisioning log. A pure function of the record.</summary>
public static class ScimFailureHints
{
    private const string IgnoredPrefix = "Ignored attributes no schema defines: ";

    /// <summary>The hint for a record, or <see langword="null"/> for a success that needs nothing (and for console actions).</summary>
    /// <param name="entry">The record.</param>
    /// <returns>The hint, or <see langword="null"/>.</returns>
    public static ScimFailureHint? For(ProvisioningLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Operation == ProvisioningOperation.Administration)
        {
            return null;
        }

        var detail = entry.Detail ?? "";
        if (entry.Succeeded)
        {
            return DroppedAttributes(entry) is { Count: > 0 } dropped
                ? new(ScimFailureKind.UnknownAttribute,
                    $"The identity provider sent attributes this server does not know, and they were dropped: {string.Join(", ", dropped)}.",
                    $"In the identity provider's attribute mappings, remove the mapping(s) to {string.Join(", ", dropped)} (or map them to an attribute of the User schema or an extension this server serves).")
                : null;
        }

        var scimType = entry.ScimType;
        return entry.Status switch
        {
            401 when Contains(detail, "revoked") => new(ScimFailureKind.RevokedCredential,
                "The identity provider used a key or secret that was revoked.",
                "Rotate or create a new key in the console, then enter it in the identity provider (Entra ID: Provisioning → Admin Credentials → Secret Token) and click Test Connection."),
            401 when Contains(detail, "expired") => new(ScimFailureKind.ExpiredCredential,
                "The identity provider used a key or secret that expired.",
                "Create a new key (or rotate the expired one) in the console and enter it in the identity provider's Secret Token field; set a later expiry, and keep key-expiry warnings on."),
            401 => new(ScimFailureKind.BadCredential,
                "The request's token was missing, cut short or unknown to this server.",
                "Re-enter the whole key in the identity provider (it starts with jscim_ and is 66 characters long); if it is lost, create a new key. Check the Tenant URL points at this server."),
            403 => new(ScimFailureKind.Forbidden,
                "The credential is valid but not allowed here (another tenant's key, or a tenant mismatch).",
                "Use a key created for this tenant, and check that the Tenant URL names the same tenant as the key."),
            _ when entry.Status == 409 || scimType == "uniqueness" => new(ScimFailureKind.Uniqueness,
                $"Another {entry.ResourceType ?? "resource"} already holds a unique value ({Names(entry)}).",
                "Find the duplicate in the identity provider (two users with the same userName or externalId) or delete the stale one here; if the provider matched on a different attribute than before, fix its matching attribute so it finds the existing user instead of creating a new one."),
            412 => new(ScimFailureKind.VersionMismatch,
                "The resource was changed by another request after the identity provider read it (If-Match did not match).",
                "Nothing to change if it happens rarely: the provider retries with the current version. If it repeats, check that no second provisioning job or script writes the same users."),
            429 => new(ScimFailureKind.RateLimited,
                "The tenant's rate limit refused the request.",
                "Lower the provider's request rate (Entra ID retries on its own), or raise the server's --rate-limit for this tenant if the load is expected."),
            404 => new(ScimFailureKind.NotFound,
                $"The {entry.ResourceType ?? "resource"} the identity provider asked for does not exist here.",
                "If users were deleted on this side, restart provisioning from the identity provider (Entra ID: Restart provisioning) so it re-creates them; check that the Tenant URL ends with the SCIM path (…/scim/v2)."),
            413 => new(ScimFailureKind.TooLarge, "The request was larger than the server accepts.", "Send fewer operations per request (smaller bulk or PATCH), or raise the server's size limits."),
            >= 500 => new(ScimFailureKind.ServerError,
                "The server failed while serving the request.",
                $"Nothing to change in the identity provider: give the correlation id {entry.CorrelationId} to the server's operator; the provider retries."),
            _ => scimType switch
            {
                "invalidFilter" => new(ScimFailureKind.FilterRefused,
                    "The identity provider's lookup filter was refused.",
                    $"Change the matching attribute in the identity provider's attribute mappings to one this server can filter on (userName, externalId, emails.value): {Short(detail)}"),
                "tooMany" => new(ScimFailureKind.TooLarge, "The query would return too many results.", "Narrow the filter or page with a smaller count."),
                "invalidSyntax" => new(ScimFailureKind.InvalidSyntax, "The request body is not a valid SCIM message.", $"Check custom expressions in the attribute mappings that build JSON: {Short(detail)}"),
                "mutability" => new(ScimFailureKind.SchemaViolation, "The request tried to change a read-only or immutable attribute.", $"Remove the mapping that writes it, or set it only on create: {Short(detail)}"),
                "invalidValue" or "invalidPath" or "noTarget" or "sensitive" or null => new(ScimFailureKind.SchemaViolation,
                    "A value the identity provider sent does not fit the schema.",
                    $"Fix the mapping or source value named here: {Short(detail)}"),
                _ => new(ScimFailureKind.Other, $"The request failed with {entry.Status} {scimType}.", Short(detail)),
            },
        };
    }

    /// <summary>The attribute names a successful record says were dropped (from its <see cref="ProvisioningLogEntry.Detail"/>), or an empty list.</summary>
    /// <param name="entry">The record.</param>
    /// <returns>The names.</returns>
    public static IReadOnlyList<string> DroppedAttributes(ProvisioningLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var detail = entry.Detail;
        if (!entry.Succeeded || detail is null || !detail.StartsWith(IgnoredPrefix, StringComparison.Ordinal))
        {
            return [];
        }

        var end = detail.IndexOf(". ", IgnoredPrefix.Length, StringComparison.Ordinal);
        var list = end < 0 ? detail[IgnoredPrefix.Length..].TrimEnd('.') : detail[IgnoredPrefix.Length..end];
        return [.. list.Split(", ", StringSplitOptions.RemoveEmptyEntries)];
    }

    private static bool Contains(string text, string word) => text.Contains(word, StringComparison.OrdinalIgnoreCase);

    private static string Names(ProvisioningLogEntry entry) =>
        string.Join(", ", new[] { ("userName", entry.UserName), ("externalId", entry.ExternalId), ("displayName", entry.DisplayName) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1} {p.Item2}")) is { Length: > 0 } names ? names : "see the detail";

    private static string Short(string detail) => detail.Length <= 300 ? detail : detail[..300] + "…";
}
