using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Resources;

/// <summary>
/// The resource engine for one resource type: validates create and replace bodies into normalised documents,
/// stamps <c>id</c> and <c>meta</c>, projects documents for responses and orders them for queries. Resource documents
/// are <see cref="JsonObject"/>s (input, stored and output alike): a schema extension needs no code, and the PATCH applier
/// edits the same shape. The engine holds no per-request state and is thread-safe; create one per resource type and keep it.
/// </summary>
public sealed class ScimResourceEngine
{
    private const int MaxCachedProjections = 256;

    private readonly ResourceValidator _validator;
    private readonly TimeProvider _timeProvider;
    private readonly ResourceProjection _defaultProjection;
    private readonly ConcurrentDictionary<(string Attributes, string Excluded), ResourceProjection> _projections = new();

    /// <summary>Creates the engine for a resource type.</summary>
    /// <param name="resourceType">The resource type, e.g. from <see cref="SchemaRegistry.GetResourceType"/>.</param>
    /// <param name="options">Compatibility rules and clock; <see cref="ScimResourceOptions.Default"/> when omitted.</param>
    public ScimResourceEngine(ResourceTypeDefinition resourceType, ScimResourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        options ??= ScimResourceOptions.Default;
        ResourceType = resourceType;
        Options = options;
        _timeProvider = options.TimeProvider;
        _validator = new ResourceValidator(resourceType, options.Compatibility);
        _defaultProjection = ResourceProjection.Create(resourceType, null, null);
    }

    /// <summary>The resource type.</summary>
    public ResourceTypeDefinition ResourceType { get; }

    /// <summary>The options.</summary>
    public ScimResourceOptions Options { get; }

    /// <summary>
    /// Validates a <c>POST</c> body and returns the normalised document (without <c>id</c> and <c>meta</c>; see
    /// <see cref="StampCreated"/>).
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <returns>The normalised document, the ignored attribute paths and the compatibility rules that fired.</returns>
    /// <exception cref="ScimException">The body is not valid: <c>400 invalidValue</c> for a missing required attribute or a
    /// value of the wrong type, <c>400 invalidSyntax</c> for a malformed <c>schemas</c> or a repeated attribute.</exception>
    public ResourceValidationResult ValidateForCreate(JsonObject body) => _validator.Validate(body, null);

    /// <summary>
    /// Validates a <c>PUT</c> body against the stored document it replaces. The result keeps the existing <c>id</c>,
    /// <c>meta</c> and read-only attributes (e.g. <c>groups</c>); an immutable attribute that is set must keep its value
    /// and is kept when the body omits it. Call <see cref="StampModified"/> before storing it.
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <param name="existing">The stored document.</param>
    /// <returns>The normalised document, the ignored attribute paths and the compatibility rules that fired.</returns>
    /// <exception cref="ScimException">As for <see cref="ValidateForCreate"/>, and <c>400 mutability</c> when an immutable
    /// attribute would change.</exception>
    public ResourceValidationResult ValidateForReplace(JsonObject body, JsonObject existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        return _validator.Validate(body, existing);
    }

    /// <summary>
    /// Sets <c>id</c> and <c>meta</c> on a new document: <c>resourceType</c>, <c>created</c> = <c>lastModified</c> = now,
    /// <c>location</c> = base URL + endpoint + <c>/</c> + id, and <c>version</c> (see <see cref="ComputeVersion"/>).
    /// </summary>
    /// <param name="document">The normalised document from <see cref="ValidateForCreate"/>; changed in place.</param>
    /// <param name="id">The new resource's id.</param>
    /// <param name="baseUrl">The SCIM base URL, e.g. <c>https://example.com/scim/v2</c>.</param>
    /// <returns>The same document.</returns>
    public JsonObject StampCreated(JsonObject document, string id, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(baseUrl);
        document.Remove("id");
        document.Remove("meta");

        // Keep the canonical order: schemas, id, then everything else, meta last.
        var rest = document.ToList();
        document.Clear();
        foreach (var (key, value) in rest)
        {
            document[key] = value;
            if (key == "schemas")
            {
                document["id"] = id;
            }
        }

        if (!document.ContainsKey("id"))
        {
            document["id"] = id;
        }

        var now = FormatNow();
        document["meta"] = new JsonObject
        {
            ["resourceType"] = ResourceType.Name,
            ["created"] = now,
            ["lastModified"] = now,
            ["location"] = baseUrl.OriginalString.TrimEnd('/') + "/" + ResourceType.Endpoint.Trim('/') + "/" + Uri.EscapeDataString(id),
            ["version"] = ResourceVersion.Compute(document),
        };
        return document;
    }

    /// <summary>
    /// Records a modification: recomputes <c>meta.version</c> and, when it changed, sets <c>meta.lastModified</c> to now.
    /// A write that leaves the content as it was keeps both.
    /// </summary>
    /// <param name="document">The modified document (from <see cref="ValidateForReplace"/> or the PATCH applier); changed in place.</param>
    /// <returns><see langword="true"/> when the content changed.</returns>
    public bool StampModified(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var version = ResourceVersion.Compute(document);
        if (JsonHelpers.Get(document, "meta") is not JsonObject meta)
        {
            meta = new JsonObject { ["resourceType"] = ResourceType.Name };
            document["meta"] = meta;
        }

        if (JsonHelpers.Get(meta, "version") is { } old && JsonHelpers.IsString(old, out var oldVersion) && oldVersion == version)
        {
            return false;
        }

        meta["lastModified"] = FormatNow();
        meta["version"] = version;
        return true;
    }

    /// <summary>
    /// Computes the weak ETag (<c>W/"…"</c>) of a normalised document: a SHA-256 hash of its content without <c>meta</c>.
    /// Equal content gives an equal version on every instance; any change of content gives a new one.
    /// </summary>
    /// <param name="document">The normalised document.</param>
    /// <returns>The version, e.g. <c>W/"3f2a…"</c>.</returns>
    public static string ComputeVersion(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return ResourceVersion.Compute(document);
    }

    /// <summary>
    /// Gets the projection plan for the <c>attributes</c> and <c>excludedAttributes</c> query parameters (comma-separated
    /// attribute paths; sub-attributes, URN-qualified names and whole extension URNs allowed; case-insensitive). Names the
    /// resource type does not define are ignored. Plans are cached per parameter pair.
    /// </summary>
    /// <param name="attributes">The <c>attributes</c> parameter, or <see langword="null"/>.</param>
    /// <param name="excludedAttributes">The <c>excludedAttributes</c> parameter, or <see langword="null"/>.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ScimException"><c>400 invalidPath</c>: an entry is not a well-formed attribute path.</exception>
    public ResourceProjection GetProjection(string? attributes = null, string? excludedAttributes = null)
    {
        if (string.IsNullOrWhiteSpace(attributes) && string.IsNullOrWhiteSpace(excludedAttributes))
        {
            return _defaultProjection;
        }

        var key = (attributes ?? "", excludedAttributes ?? "");
        if (_projections.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var plan = ResourceProjection.Create(ResourceType, attributes, excludedAttributes);
        if (_projections.Count < MaxCachedProjections)
        {
            _projections.TryAdd(key, plan);
        }

        return plan;
    }

    /// <summary>Creates the comparer for the <c>sortBy</c> and <c>sortOrder</c> query parameters.</summary>
    /// <param name="sortBy">An attribute path, e.g. <c>userName</c>, <c>name.familyName</c>, <c>emails</c>, <c>meta.lastModified</c>.</param>
    /// <param name="sortOrder"><c>ascending</c> (default when <see langword="null"/>) or <c>descending</c>, case-insensitive.</param>
    /// <returns>The comparer.</returns>
    /// <exception cref="ScimException"><c>400 invalidPath</c> when <paramref name="sortBy"/> is not a well-formed path;
    /// <c>400 invalidValue</c> when it names no attribute of the resource type, names a complex attribute without a
    /// sub-attribute, or <paramref name="sortOrder"/> is neither value.</exception>
    public ResourceComparer CreateComparer(string sortBy, string? sortOrder = null) =>
        ResourceComparer.Create(ResourceType, sortBy, sortOrder);

    private string FormatNow() =>
        _timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
