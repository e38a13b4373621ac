using Jostle.Scim.Service;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Protocol;
using Jostle.Scim.Stores;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.AspNetCore;

/// <summary>
/// <c>POST /Bulk</c> (RFC 7644 §3.7): runs the operations through the same resource service as the single endpoints,
/// resolving <c>bulkId:</c> references in paths and data. An operation that references a bulkId defined by a later
/// operation waits for it; one whose reference cannot be resolved fails with 409. <c>failOnErrors</c> stops the run.
/// </summary>
internal static class ScimBulk
{
    private sealed record Outcome(BulkOperation Operation, int Status, string? Location, string? Version, byte[]? Error, ScimException? Exception = null);

    public static async Task<IResult> ExecuteAsync(ScimRequestContext r)
    {
        var options = r.Runtime.Options;
        var request = BulkRequest.Parse(await r.ReadBodyAsync(options.MaxBulkPayloadSize, "maxPayloadSize"), options.MaxBulkOperations);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var failedBulkIds = new HashSet<string>(StringComparer.Ordinal);
        var definedBulkIds = request.Operations.Where(o => o.BulkId is not null).Select(o => o.BulkId!).ToHashSet(StringComparer.Ordinal);
        var outcomes = new List<Outcome>();
        var pending = request.Operations.ToList();
        var errors = 0;
        while (pending.Count > 0 && (request.FailOnErrors is null || errors < request.FailOnErrors))
        {
            var progressed = false;
            foreach (var operation in pending.ToList())
            {
                if (request.FailOnErrors is { } limit && errors >= limit)
                {
                    break;
                }

                var references = new HashSet<string>(StringComparer.Ordinal);
                BulkRequest.CollectReferences(operation.Data, references);
                BulkRequest.CollectReferences(JsonValue.Create(operation.Path.Split('/').LastOrDefault() ?? ""), references);
                var waiting = references.Where(b => !ids.ContainsKey(b) && definedBulkIds.Contains(b) && !failedBulkIds.Contains(b)).ToList();
                if (waiting.Count > 0)
                {
                    continue;
                }

                pending.Remove(operation);
                progressed = true;
                var outcome = await RecordAsync(r, operation, () => RunAsync(r, operation, references, ids));
                outcomes.Add(outcome);
                if (outcome.Error is not null)
                {
                    errors++;
                    if (operation.BulkId is not null)
                    {
                        failedBulkIds.Add(operation.BulkId);
                    }
                }
            }

            if (!progressed)
            {
                foreach (var operation in pending)
                {
                    if (request.FailOnErrors is { } limit && errors >= limit)
                    {
                        break;
                    }

                    outcomes.Add(await RecordAsync(r, operation, () => Task.FromResult(Failure(operation, new ScimException(409, ScimErrorType.InvalidValue, "The operation's bulkId references form a cycle and cannot be resolved.")))));
                    errors++;
                }

                break;
            }
        }

        outcomes.Sort((a, b) => a.Operation.Index.CompareTo(b.Operation.Index));
        return new ScimJsonResult(StatusCodes.Status200OK, writer => Write(writer, outcomes));
    }

    /// <summary>Runs one bulk item as its own recorded operation (span, metrics, provisioning log), sharing the request's correlation id.</summary>
    private static async Task<Outcome> RecordAsync(ScimRequestContext r, BulkOperation operation, Func<Task<Outcome>> run)
    {
        var recorder = r.Http.RequestServices.GetRequiredService<ScimProvisioningRecorder>();
        var parent = ScimOperation.Current;
        if (parent is null)
        {
            return await run();
        }

        var item = recorder.BeginBulkItem(parent, operation.Method, operation.Path, operation.BulkId);
        item.ObserveBody(operation.Data);
        var outcome = await run();
        var error = outcome.Exception;
        recorder.Complete(item, outcome.Status, error?.ScimType is { } type ? ScimException.ToKeyword(type) : null, error?.Detail);
        return outcome;
    }

    private static async Task<Outcome> RunAsync(ScimRequestContext r, BulkOperation operation, HashSet<string> references, Dictionary<string, string> ids)
    {
        try
        {
            var unresolved = references.FirstOrDefault(b => !ids.ContainsKey(b));
            if (unresolved is not null)
            {
                throw new ScimException(409, ScimErrorType.InvalidValue, $"bulkId \"{unresolved}\" does not name a resource created earlier in this request.");
            }

            var data = BulkRequest.Resolve(operation.Data?.DeepClone(), ids);
            var (kind, id) = ParsePath(operation, ids, r.Service.ServesGroups);
            var service = r.Service;
            switch (operation.Method)
            {
                case "POST":
                    if (id is not null)
                    {
                        throw new ScimException(ScimErrorType.InvalidPath, $"A bulk POST's path must be a resource endpoint such as /Users, not \"{operation.Path}\".");
                    }

                    var created = await service.CreateAsync(kind, r.Tenant, data, r.BaseUrl, r.Aborted);
                    ids[operation.BulkId!] = created.Id;
                    return Success(operation, 201, created);
                case "PUT":
                    return Success(operation, 200, await service.ReplaceAsync(kind, r.Tenant, RequireId(operation, id), data, operation.Version, r.Aborted));
                case "PATCH":
                    return Success(operation, kind == ScimResourceKind.Group && !r.Runtime.Options.GroupPatchReturnsContent ? 204 : 200, await service.PatchAsync(kind, r.Tenant, RequireId(operation, id), data, operation.Version, r.Aborted));
                default:
                    await service.DeleteAsync(kind, r.Tenant, RequireId(operation, id), operation.Version, r.Aborted);
                    return new Outcome(operation, 204, null, null, null);
            }
        }
        catch (ScimException e)
        {
            return Failure(operation, e);
        }
    }

    private static string RequireId(BulkOperation operation, string? id) =>
        id ?? throw new ScimException(ScimErrorType.InvalidPath, $"A bulk {operation.Method}'s path must name a resource, e.g. /Users/{{id}}, not \"{operation.Path}\".");

    private static (ScimResourceKind Kind, string? Id) ParsePath(BulkOperation operation, Dictionary<string, string> ids, bool servesGroups)
    {
        var parts = operation.Path.Trim('/').Split('/');
        var kind = parts[0].ToUpperInvariant() switch
        {
            "USERS" => ScimResourceKind.User,
            "GROUPS" when servesGroups => ScimResourceKind.Group,
            "GROUPS" => throw ScimResourceService.GroupsNotServed(),
            _ => throw new ScimException(ScimErrorType.InvalidPath, $"Bulk path \"{operation.Path}\" names no resource endpoint (/Users or /Groups)."),
        };
        if (parts.Length > 2)
        {
            throw new ScimException(ScimErrorType.InvalidPath, $"Bulk path \"{operation.Path}\" is not /Users, /Groups or one resource of them.");
        }

        var id = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : null;
        if (id is not null && id.StartsWith(BulkRequest.BulkIdPrefix, StringComparison.Ordinal))
        {
            id = ids[id[BulkRequest.BulkIdPrefix.Length..]];
        }

        return (kind, id);
    }

    private static Outcome Success(BulkOperation operation, int status, StoredResource resource)
    {
        var document = ScimResourceService.ToObject(resource.Document);
        var location = document["meta"] is JsonObject meta && meta["location"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        return new Outcome(operation, status, location, resource.Version, null);
    }

    private static Outcome Failure(BulkOperation operation, ScimException e) =>
        new(operation, e.Status, null, null, ScimProtocol.ErrorBytes(e.Status, e.ScimType, e.Detail), e);

    private static void Write(Utf8JsonWriter writer, List<Outcome> outcomes)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimProtocol.BulkResponseSchema);
        writer.WriteEndArray();
        writer.WriteStartArray("Operations");
        foreach (var outcome in outcomes)
        {
            writer.WriteStartObject();
            writer.WriteString("method", outcome.Operation.Method);
            if (outcome.Operation.BulkId is not null)
            {
                writer.WriteString("bulkId", outcome.Operation.BulkId);
            }

            if (outcome.Version is not null)
            {
                writer.WriteString("version", outcome.Version);
            }

            if (outcome.Location is not null)
            {
                writer.WriteString("location", outcome.Location);
            }

            writer.WriteString("status", outcome.Status.ToString(CultureInfo.InvariantCulture));
            if (outcome.Error is not null)
            {
                writer.WritePropertyName("response");
                writer.WriteRawValue(outcome.Error);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
