using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Stores;

using Jostle.Scim.AspNetCore;

namespace Jostle.Scim.Service;

/// <summary>
/// What is known about the SCIM operation running now (one per request, one per bulk item), for the provisioning log,
/// the metrics and the span. The resource service adds to it through <see cref="Current"/> as it loads, checks and writes,
/// so its signatures stay free of logging concerns.
/// </summary>
internal sealed class ScimOperation
{
    private const int MaxNameLength = 256;

    private static readonly AsyncLocal<ScimOperation?> CurrentOperation = new();

    private string? _bodyUserName, _bodyExternalId, _bodyDisplayName;
    private string? _userName, _externalId, _displayName;
    private bool _written;

    public ScimOperation(ProvisioningOperation kind, string? resourceType, string? resourceId, string correlationId, DateTimeOffset started, long startTimestamp)
    {
        Kind = kind;
        ResourceType = resourceType;
        ResourceId = resourceId;
        CorrelationId = correlationId;
        Started = started;
        StartTimestamp = startTimestamp;
    }

    /// <summary>The operation the current async flow is running, or <see langword="null"/> outside a SCIM request.</summary>
    public static ScimOperation? Current
    {
        get => CurrentOperation.Value;
        set => CurrentOperation.Value = value;
    }

    public ProvisioningOperation Kind { get; }

    public string? ResourceType { get; }

    public string? ResourceId { get; private set; }

    public string CorrelationId { get; }

    public DateTimeOffset Started { get; }

    public long StartTimestamp { get; }

    public string? Tenant { get; set; }

    public string? Actor { get; set; }

    public string? KeyId { get; set; }

    public string? BulkId { get; init; }

    public Activity? Activity { get; init; }

    public ScimCompatibility Rules { get; private set; }

    /// <summary>The rules a selector chose for this request, or <see langword="null"/> for the configured ones.</summary>
    public ScimCompatibility? SelectedCompatibility { get; set; }

    /// <summary>
    /// Whether the failure was already logged where it happened, with more to say than the recorder could (a key store
    /// that threw, a tenant mismatch): the recorder then writes no second record of it.
    /// </summary>
    public bool FailureLogged { get; set; }

    public FilterCompatibility FilterRules { get; private set; }

    public string? UserName => _written ? _userName : _bodyUserName ?? _userName;

    public string? ExternalId => _written ? _externalId : _bodyExternalId ?? _externalId;

    public string? DisplayName => _written ? _displayName : _bodyDisplayName ?? _displayName;

    /// <summary>Attribute names a body carried that no schema defines and that were dropped (names only, never values).</summary>
    public IReadOnlyList<string> IgnoredAttributes => _ignored ?? (IReadOnlyList<string>)[];

    public void AddRules(ScimCompatibility rules) => Rules |= rules;

    public void AddIgnored(IEnumerable<string> names)
    {
        _ignored ??= [];
        foreach (var name in names)
        {
            if (_ignored.Count < MaxIgnoredNames && !_ignored.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                _ignored.Add(Trim(name));
            }
        }
    }

    /// <summary>Adds a note for the log record (e.g. that a password was received and not stored), once.</summary>
    public void AddNote(string note)
    {
        _notes ??= [];
        if (!_notes.Contains(note))
        {
            _notes.Add(note);
        }
    }

    /// <summary>The note a successful record carries when attributes were dropped or something was noted, or <see langword="null"/>.</summary>
    public string? IgnoredNote
    {
        get
        {
            var ignored = _ignored is { Count: > 0 } ? "Ignored attributes no schema defines: " + string.Join(", ", _ignored) + "." : null;
            return _notes is { Count: > 0 } ? string.Join(" ", (ignored is null ? [] : new[] { ignored }).Concat(_notes)) : ignored;
        }
    }

    private List<string>? _notes;

    private const int MaxIgnoredNames = 20;

    private List<string>? _ignored;

    public void AddFilterRules(FilterCompatibility rules) => FilterRules |= rules;

    /// <summary>Takes the caller's identity from the principal: the tenant claim (until the resolver says otherwise), the actor and the key id.</summary>
    public void ObservePrincipal(ClaimsPrincipal user, string tenantClaimType)
    {
        Tenant ??= Claim(user, tenantClaimType);
        Actor = Claim(user, ScimProvisioningRecorder.ActorClaimType) ?? Claim(user, ClaimTypes.NameIdentifier) ?? user.Identity?.Name;
        KeyId = Claim(user, ScimProvisioningRecorder.KeyIdClaimType);
    }

    /// <summary>Whether the operation stays out of the provisioning log (a console connection test).</summary>
    public bool ExcludedFromLog { get; set; }

    /// <summary>The request's HTTP method (a bulk item's own).</summary>
    public string? Method { get; set; }

    /// <summary>The request's path without query (a bulk item's own).</summary>
    public string? Path { get; set; }

    /// <summary>The redacted summary of the body or query (personal values masked, secrets removed).</summary>
    public string? MaskedSummary { get; set; }

    /// <summary>The summary with personal values (secrets removed), to be protected before it is stored.</summary>
    public string? UnmaskedSummary { get; set; }

    /// <summary>The userName of a <c>userName eq</c> lookup that found nothing: the lookup is then recorded.</summary>
    public string? EmptyLookupUserName { get; set; }

    /// <summary>
    /// Whether this operation can become a provisioning log record (a log sink or the failure queue is registered) or the
    /// recorder's Information message. What only those carry — the request summaries (<see cref="MaskedSummary"/>,
    /// <see cref="UnmaskedSummary"/>) and <see cref="EmptyLookupUserName"/> — is not worked out otherwise.
    /// </summary>
    public bool MayBeRecorded { get; init; } = true;

    /// <summary>Notes the names a request body gives (<c>userName</c>, <c>externalId</c>, <c>displayName</c>) and its redacted summary.</summary>
    public void ObserveBody(JsonNode? body)
    {
        if (body is null)
        {
            return;
        }

        if (MayBeRecorded)
        {
            (MaskedSummary, UnmaskedSummary) = Jostle.Scim.Administration.ScimRequestSummary.Summarise(body);
        }

        if (body is not JsonObject document)
        {
            return;
        }

        foreach (var (name, value) in document)
        {
            if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
            {
                continue;
            }

            if (name.Equals("userName", StringComparison.OrdinalIgnoreCase))
            {
                _bodyUserName = Trim(text);
            }
            else if (name.Equals("externalId", StringComparison.OrdinalIgnoreCase))
            {
                _bodyExternalId = Trim(text);
            }
            else if (name.Equals("displayName", StringComparison.OrdinalIgnoreCase))
            {
                _bodyDisplayName = Trim(text);
            }
        }
    }

    /// <summary>Notes the resource as it was loaded: its names stand in where the request body gave none.</summary>
    public void ObserveLoaded(StoredResource resource)
    {
        if (_written)
        {
            return;
        }

        ResourceId ??= resource.Id;
        _userName ??= Read(resource.Document, "userName");
        _externalId ??= Read(resource.Document, "externalId");
        _displayName ??= Read(resource.Document, "displayName");
    }

    /// <summary>Notes the resource as it was written: its names are the ones recorded.</summary>
    public void ObserveWritten(StoredResource resource)
    {
        _written = true;
        ResourceId = resource.Id;
        _userName = Read(resource.Document, "userName");
        _externalId = Read(resource.Document, "externalId");
        _displayName = Read(resource.Document, "displayName");
    }

    private static string? Claim(ClaimsPrincipal user, string type) =>
        user.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;

    private static string? Read(JsonElement document, string name) =>
        document.ValueKind == JsonValueKind.Object && document.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? Trim(value.GetString()!)
            : null;

    private static string Trim(string text) => text.Length <= MaxNameLength ? text : text[..MaxNameLength];
}
