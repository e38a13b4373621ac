using Jostle.Scim.Service;
using Jostle.Scim.Filtering;
using System.Text.Json.Nodes;
using Jostle.Scim.Protocol;
using Jostle.Scim.Resources;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.AspNetCore;

/// <summary>The SCIM endpoints of RFC 7644, mapped on a route group. Handlers stay thin: parse, call <see cref="ScimResourceService"/>, write.</summary>
internal static class ScimEndpoints
{
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <param name="group">The route group.</param>
    /// <param name="prefix">The SCIM base path.</param>
    /// <param name="servesGroups">Whether a group store is registered; without one, every <c>/Groups</c> request answers 404.</param>
    public static void Map(RouteGroupBuilder group, string prefix, bool servesGroups)
    {
        MapResources(group, prefix, "/Users", ScimResourceKind.User);
        if (servesGroups)
        {
            MapResources(group, prefix, "/Groups", ScimResourceKind.Group);
        }
        else
        {
            group.Map("/Groups", H(prefix, Task<IResult> (_) => throw ScimResourceService.GroupsNotServed()));
            group.Map("/Groups/{**rest}", H(prefix, Task<IResult> (_) => throw ScimResourceService.GroupsNotServed()));
        }

        group.MapPost("/.search", H(prefix, RootSearchAsync));
        group.MapPost("/Bulk", H(prefix, ScimBulk.ExecuteAsync));
        group.Map("/Me", H(prefix, MeAsync));

        MapDiscovery(group, prefix, "/ServiceProviderConfig", r => Task.FromResult<IResult>(Json(ScimDiscovery.ServiceProviderConfig(r))));
        MapDiscovery(group, prefix, "/ResourceTypes", r => Task.FromResult<IResult>(List(ScimDiscovery.ResourceTypes(r))));
        MapDiscovery(group, prefix, "/ResourceTypes/{name}", r => Task.FromResult<IResult>(Json(ScimDiscovery.ResourceType(r, (string)r.Http.Request.RouteValues["name"]!))));
        MapDiscovery(group, prefix, "/Schemas", r => Task.FromResult<IResult>(List(ScimDiscovery.Schemas(r))));
        MapDiscovery(group, prefix, "/Schemas/{id}", r => Task.FromResult<IResult>(Json(ScimDiscovery.Schema(r, (string)r.Http.Request.RouteValues["id"]!))));

        group.Map("/{**rest}", H(prefix, Task<IResult> (r) =>
            throw new ScimException(404, null, $"There is no SCIM endpoint {r.Http.Request.Method} {r.Http.Request.Path}.")));
    }

    private static void MapResources(RouteGroupBuilder group, string prefix, string endpoint, ScimResourceKind kind)
    {
        group.MapGet(endpoint, H(prefix, r =>
            ListAsync(r, kind, ScimQueryParameters.FromQuery(r.Query, r.Runtime.Options.MaxResults))));
        group.MapPost(endpoint + "/.search", H(prefix, async r =>
            await ListAsync(r, kind, ScimQueryParameters.FromSearchRequest(await r.ReadBodyAsync(r.Runtime.Options.MaxRequestBodySize, "MaxRequestBodySize"), r.Runtime.Options.MaxResults))));
        group.MapGet(endpoint + "/{id}", H(prefix, r => GetAsync(r, kind, RouteId(r))));
        group.MapPost(endpoint, H(prefix, r => PostResourceAsync(r, kind)));
        group.MapPut(endpoint + "/{id}", H(prefix, async r =>
        {
            var id = RouteId(r);
            var body = await r.ReadBodyAsync(r.Runtime.Options.MaxRequestBodySize, "MaxRequestBodySize");
            var replaced = await r.Service.ReplaceAsync(kind, r.Tenant, id, body, r.Header("If-Match"), r.Aborted);
            return Resource(r, kind, replaced, StatusCodes.Status200OK);
        }));
        group.MapPatch(endpoint + "/{id}", H(prefix, r => PatchResourceAsync(r, kind)));
        group.MapMethods(endpoint, ["PUT", "PATCH", "DELETE"], MethodNotAllowed(prefix, endpoint, "GET, POST"));
        group.MapMethods(endpoint + "/{id}", ["POST"], MethodNotAllowed(prefix, endpoint + "/{id}", "GET, PUT, PATCH, DELETE"));
        group.MapDelete(endpoint + "/{id}", H(prefix, async r =>
        {
            await r.Service.DeleteAsync(kind, r.Tenant, RouteId(r), r.Header("If-Match"), r.Aborted);
            return TypedResults.NoContent();
        }));
    }

    private static Delegate H(string prefix, Func<ScimRequestContext, Task<IResult>> handler) =>
        (Func<HttpContext, Task<IResult>>)(http => ScimRequestContext.RunAsync(http, prefix, handler));

    private static Delegate MethodNotAllowed(string prefix, string pattern, string allow) => H(prefix, Task<IResult> (r) =>
    {
        r.Http.Response.Headers.Allow = allow;
        throw new ScimException(405, null, $"{r.Http.Request.Method} is not allowed on {pattern}; allowed: {allow}.");
    });

    private static string RouteId(ScimRequestContext r) => (string)r.Http.Request.RouteValues["id"]!;

    /// <summary><c>POST /Users</c>, <c>POST /Groups</c>: a named method, so a profile tells the request kinds apart.</summary>
    private static async Task<IResult> PostResourceAsync(ScimRequestContext r, ScimResourceKind kind)
    {
        var body = await r.ReadBodyAsync(r.Runtime.Options.MaxRequestBodySize, "MaxRequestBodySize");
        var created = await r.Service.CreateAsync(kind, r.Tenant, body, r.BaseUrl, r.Aborted);
        return Resource(r, kind, created, StatusCodes.Status201Created, withLocation: true);
    }

    /// <summary><c>PATCH /Users/{id}</c>, <c>PATCH /Groups/{id}</c>.</summary>
    private static async Task<IResult> PatchResourceAsync(ScimRequestContext r, ScimResourceKind kind)
    {
        var id = RouteId(r);
        var body = await r.ReadBodyAsync(r.Runtime.Options.MaxRequestBodySize, "MaxRequestBodySize");
        var patched = await r.Service.PatchAsync(kind, r.Tenant, id, body, r.Header("If-Match"), r.Aborted);
        if (kind == ScimResourceKind.Group)
        {
            if (!r.Runtime.Options.GroupPatchReturnsContent)
            {
                return new ScimJsonResult(StatusCodes.Status204NoContent, null, patched.Version);
            }

            if (ScimAttributeSelection.WantsMembers(r.Query("attributes"), r.Query("excludedAttributes")))
            {
                patched = await r.Service.GetAsync(kind, r.Tenant, id, includeMembers: true, r.Aborted);
            }
        }

        return Resource(r, kind, patched, StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetAsync(ScimRequestContext r, ScimResourceKind kind, string id)
    {
        var projection = r.Runtime.Engine(kind).GetProjection(r.Query("attributes"), r.Query("excludedAttributes"));
        var includeMembers = kind == ScimResourceKind.Group && ScimAttributeSelection.WantsMembers(r.Query("attributes"), r.Query("excludedAttributes"));
        var resource = await r.Service.GetAsync(kind, r.Tenant, id, includeMembers, r.Aborted);
        if (r.Header("If-None-Match") is { } ifNoneMatch && ScimResourceService.VersionMatches(ifNoneMatch, resource.Version))
        {
            return new ScimJsonResult(StatusCodes.Status304NotModified, null, resource.Version);
        }

        var document = ScimResponseDocuments.Complete(kind, ScimResourceService.ToObject(resource.Document), r.BaseUrl);
        await AddGroupsOfUserAsync(r, kind, document, r.Query("attributes"));
        return new ScimJsonResult(StatusCodes.Status200OK, w => projection.WriteTo(w, document), resource.Version);
    }

    private static async Task<IResult> ListAsync(ScimRequestContext r, ScimResourceKind kind, ScimQueryParameters query)
    {
        var projection = r.Runtime.Engine(kind).GetProjection(query.Attributes, query.ExcludedAttributes);
        var (result, nextCursor) = await r.Service.QueryAsync(kind, r.Tenant, query, r.Aborted);
        if (result.TotalResults == 0 && kind == ScimResourceKind.User && ScimOperation.Current is { MayBeRecorded: true } operation)
        {
            operation.EmptyLookupUserName = UserNameLookup(query.Filter);
        }
        var page = result.Resources.Select(s => (ScimResponseDocuments.Complete(kind, ScimResourceService.ToObject(s.Document), r.BaseUrl), projection)).ToList();
        foreach (var (document, _) in page)
        {
            await AddGroupsOfUserAsync(r, kind, document, query.Attributes);
        }

        ListResponseWriter.CursorPage? cursor = query.IsCursorPaging ? new(nextCursor) : null;
        return new ScimJsonResult(StatusCodes.Status200OK, w => ListResponseWriter.Write(w, result.TotalResults, query.StartIndex, page, cursor));
    }

    /// <summary>The value of a filter that is exactly <c>userName eq "…"</c> (Entra ID's lookup before a create), else <see langword="null"/>.</summary>
    private static string? UserNameLookup(string? filter) =>
        filter is not null
        && ScimFilter.TryParse(filter, out var parsed, out _)
        && parsed is ComparisonExpression { Operator: ComparisonOperator.Equal, Value: { Kind: FilterValueKind.String, Text: { } text } } comparison
        && comparison.Path.SchemaUri is null or "urn:ietf:params:scim:schemas:core:2.0:User"
        && comparison.Path.SubAttribute is null
        && comparison.Path.Name.Equals("userName", StringComparison.OrdinalIgnoreCase)
            ? text
            : null;

    /// <summary>
    /// A User's <c>groups</c> is read-only and derived from group memberships; it costs a query per user, so it is added
    /// only when <c>attributes</c> names it (<c>groups</c> or <c>groups.value</c>, …), never on the reads Entra makes.
    /// </summary>
    private static async Task AddGroupsOfUserAsync(ScimRequestContext r, ScimResourceKind kind, JsonObject document, string? attributes)
    {
        if (kind != ScimResourceKind.User || !NamesGroups(attributes) || document["id"] is not JsonValue v || !v.TryGetValue<string>(out var id))
        {
            return;
        }

        var groups = await r.Service.GroupsOfAsync(r.Tenant, id, r.BaseUrl, r.Aborted);
        if (groups.Count > 0)
        {
            document["groups"] = groups;
        }
    }

    private static bool NamesGroups(string? attributes)
    {
        if (attributes is null)
        {
            return false;
        }

        const string UserPrefix = "urn:ietf:params:scim:schemas:core:2.0:User:";
        foreach (var raw in attributes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var name = raw.StartsWith(UserPrefix, StringComparison.OrdinalIgnoreCase) ? raw[UserPrefix.Length..] : raw;
            if (name.Equals("groups", StringComparison.OrdinalIgnoreCase) || name.StartsWith("groups.", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<IResult> RootSearchAsync(ScimRequestContext r)
    {
        var query = ScimQueryParameters.FromSearchRequest(await r.ReadBodyAsync(r.Runtime.Options.MaxRequestBodySize, "MaxRequestBodySize"), r.Runtime.Options.MaxResults);
        var projections = new Dictionary<ScimResourceKind, ResourceProjection>
        {
            [ScimResourceKind.User] = r.Runtime.Users.GetProjection(query.Attributes, query.ExcludedAttributes),
            [ScimResourceKind.Group] = r.Runtime.Groups.GetProjection(query.Attributes, query.ExcludedAttributes),
        };
        var (total, resources) = await r.Service.QueryAllAsync(r.Tenant, query, r.Aborted);
        var page = resources.Select(p => (ScimResponseDocuments.Complete(p.Kind, ScimResourceService.ToObject(p.Resource.Document), r.BaseUrl), projections[p.Kind])).ToList();
        return new ScimJsonResult(StatusCodes.Status200OK, w => ListResponseWriter.Write(w, total, query.StartIndex, page));
    }

    private static async Task<IResult> MeAsync(ScimRequestContext r)
    {
        var resolver = r.Http.RequestServices.GetService<IScimMeResolver>();
        if (resolver is null || !HttpMethods.IsGet(r.Http.Request.Method))
        {
            throw new ScimException(501, null, "/Me is not supported by this service provider.");
        }

        var id = await resolver.ResolveUserIdAsync(r.Http, r.Tenant)
            ?? throw new ScimException(404, null, "The authenticated caller is not a User of this tenant.");
        return await GetAsync(r, ScimResourceKind.User, id);
    }

    private static void MapDiscovery(RouteGroupBuilder group, string prefix, string pattern, Func<ScimRequestContext, Task<IResult>> handler)
    {
        group.MapGet(pattern, H(prefix, handler));
        group.MapMethods(pattern, WriteMethods, MethodNotAllowed(prefix, pattern, "GET"));
    }

    public static IResult Resource(ScimRequestContext r, ScimResourceKind kind, StoredResource resource, int status, bool withLocation = false)
    {
        var projection = r.Runtime.Engine(kind).GetProjection(r.Query("attributes"), r.Query("excludedAttributes"));
        if (ScimResponseDocuments.IsComplete(kind, resource.Document, out var storedLocation))
        {
            // Nothing to add (the store kept meta.location; no group member lacks its $ref): written from the stored element.
            var stored = resource.Document;
            return new ScimJsonResult(status, w => projection.WriteTo(w, stored), resource.Version, withLocation ? storedLocation : null);
        }

        var document = ScimResponseDocuments.Complete(kind, ScimResourceService.ToObject(resource.Document), r.BaseUrl);
        var location = withLocation && document["meta"] is JsonObject meta && meta["location"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        return new ScimJsonResult(status, w => projection.WriteTo(w, document), resource.Version, location);
    }

    private static ScimJsonResult Json(JsonObject document) => new(StatusCodes.Status200OK, w => document.WriteTo(w));

    private static ScimJsonResult List(IReadOnlyList<JsonObject> documents) => new(StatusCodes.Status200OK, w => ListResponseWriter.Write(w, documents));
}

/// <summary>The discovery documents (RFC 7644 §4), generated from the registry and the options.</summary>
internal static class ScimDiscovery
{
    public static JsonObject ServiceProviderConfig(ScimRequestContext r)
    {
        var options = r.Runtime.Options;
        var schemes = new JsonArray();
        foreach (var scheme in options.AdvertisedAuthenticationSchemes)
        {
            var item = new JsonObject
            {
                ["type"] = scheme.Type,
                ["name"] = scheme.Name,
                ["description"] = scheme.Description,
                ["primary"] = scheme.Primary,
            };
            if (scheme.SpecUri is not null)
            {
                item["specUri"] = scheme.SpecUri;
            }

            if (scheme.DocumentationUri is not null)
            {
                item["documentationUri"] = scheme.DocumentationUri;
            }

            schemes.Add(item);
        }

        return new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ServiceProviderConfig),
            ["patch"] = new JsonObject { ["supported"] = true },
            ["bulk"] = new JsonObject { ["supported"] = true, ["maxOperations"] = options.MaxBulkOperations, ["maxPayloadSize"] = options.MaxBulkPayloadSize },
            ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = options.MaxResults },
            ["changePassword"] = new JsonObject { ["supported"] = false },
            ["sort"] = new JsonObject { ["supported"] = true },
            ["pagination"] = new JsonObject
            {
                ["cursor"] = r.Service.SupportsCursorPaging,
                ["index"] = true,
                ["defaultPaginationMethod"] = "index",
                ["defaultPageSize"] = options.MaxResults,
                ["maxPageSize"] = options.MaxResults,
                ["cursorTimeout"] = (int)options.Pagination.CursorTimeout.TotalSeconds,
            },
            ["etag"] = new JsonObject { ["supported"] = true },
            ["authenticationSchemes"] = schemes,
            ["meta"] = new JsonObject
            {
                ["resourceType"] = "ServiceProviderConfig",
                ["location"] = r.BaseUrl + "/ServiceProviderConfig",
            },
        };
    }

    public static List<JsonObject> ResourceTypes(ScimRequestContext r) =>
        [.. Served(r).Select(t => SchemaDocuments.ToResourceTypeDocument(t, r.BaseUrl + "/ResourceTypes/" + t.Name))];

    public static JsonObject ResourceType(ScimRequestContext r, string name) =>
        r.Runtime.Registry.TryGetResourceType(name, out var type) && IsServed(r, type)
            ? SchemaDocuments.ToResourceTypeDocument(type, r.BaseUrl + "/ResourceTypes/" + type.Name)
            : throw new ScimException(404, null, $"No resource type is named \"{name}\".");

    public static List<JsonObject> Schemas(ScimRequestContext r) =>
        [.. r.Runtime.Registry.Schemas.Where(s => IsServed(r, s)).Select(s => SchemaDocuments.ToSchemaDocument(s, r.BaseUrl + "/Schemas/" + s.Id))];

    public static JsonObject Schema(ScimRequestContext r, string id) =>
        r.Runtime.Registry.TryGetSchema(id, out var schema) && IsServed(r, schema)
            ? SchemaDocuments.ToSchemaDocument(schema, r.BaseUrl + "/Schemas/" + schema.Id)
            : throw new ScimException(404, null, $"No schema has the id \"{id}\".");

    /// <summary>The resource types this service provider serves: Group only when a group store is registered.</summary>
    private static IEnumerable<ResourceTypeDefinition> Served(ScimRequestContext r) => r.Runtime.Registry.ResourceTypes.Where(t => IsServed(r, t));

    private static bool IsServed(ScimRequestContext r, ResourceTypeDefinition type) =>
        r.Service.ServesGroups || !string.Equals(type.Name, "Group", StringComparison.Ordinal);

    /// <summary>A schema is listed when a served resource type uses it, or when no resource type does (it is then not a Group's).</summary>
    private static bool IsServed(ScimRequestContext r, SchemaDefinition schema)
    {
        var users = r.Runtime.Registry.ResourceTypes.Where(t => t.FindSchema(schema.Id) is not null).ToList();
        return users.Count == 0 || users.Any(t => IsServed(r, t));
    }
}
