using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Compilation.Element;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Patching;

/// <summary>
/// Applies PATCH requests (RFC 7644 §3.5.2) to resource documents, schema-aware and all-or-nothing: the operations
/// run in order on a deep clone of the resource, so when one fails (a <see cref="ScimException"/> whose detail names
/// the operation and its path) the caller's document is untouched. Entra ID's request shapes are accepted through
/// the named rules of <see cref="ScimCompatibility"/>, and the result reports which of them fired.
/// </summary>
public static class PatchApplier
{
    /// <summary>Applies a PATCH request to a resource.</summary>
    /// <param name="resource">The resource document (not modified).</param>
    /// <param name="request">The parsed request.</param>
    /// <param name="resourceType">The resource's type, whose schemas resolve the paths.</param>
    /// <param name="options">Compatibility rules and membership mode; <see cref="PatchOptions.Default"/> when omitted.</param>
    /// <returns>The patched document, whether it changed, the rules that fired and, in membership-delta mode, the delta.</returns>
    /// <exception cref="ScimException">An operation failed (<c>noTarget</c>, <c>invalidPath</c>, <c>mutability</c>, <c>invalidValue</c>).</exception>
    /// <exception cref="InvalidOperationException"><see cref="PatchOptions.MembershipDelta"/> is set but the request needs the
    /// member list (see <see cref="CanCollectMembershipDelta"/>).</exception>
    public static PatchResult Apply(JsonObject resource, PatchRequest request, ResourceTypeDefinition resourceType, PatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(resourceType);
        options ??= PatchOptions.Default;
        MembershipDelta? delta = null;
        string? skip = null;
        if (options.MembershipDelta)
        {
            if (!CanCollectMembershipDelta(request, resourceType))
            {
                throw new InvalidOperationException("This PATCH request selects members by more than their value (or patches a member's sub-attribute), so it needs the member list: apply it without PatchOptions.MembershipDelta.");
            }

            delta = new MembershipDelta();
            skip = MembersAttribute(resourceType)?.Name;
        }

        JsonObject document;
        if (skip is null || JsonMemberLookup.Find(resource, skip) is null)
        {
            // One DeepClone of the whole object: a resource still backed by its parsed JSON is cloned lazily,
            // and no dictionary is grown member by member.
            document = (JsonObject)resource.DeepClone();
        }
        else
        {
            document = new JsonObject();
            foreach (var pair in resource)
            {
                if (!string.Equals(pair.Key, skip, StringComparison.OrdinalIgnoreCase))
                {
                    document[pair.Key] = pair.Value?.DeepClone();
                }
            }
        }

        var session = new PatchSession(document, resourceType, options.Compatibility, delta);
        var operations = request.Operations;
        for (var i = 0; i < operations.Count; i++)
        {
            session.Run(operations[i]);
        }

        return new PatchResult(document, !SameExcept(resource, document, skip), request.RulesFired | session.Fired, delta);
    }

    /// <summary>
    /// Whether the request's operations on a Group's <c>members</c> can be collected as a <see cref="MembershipDelta"/>
    /// (adds, replaces, removes of whole members, removal by <c>value eq "…"</c> filters joined by <c>or</c>, or by a
    /// <c>value</c> list). When <see langword="false"/>, load the members and apply in document mode.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="resourceType">The resource type.</param>
    /// <returns><see langword="true"/> when delta mode can apply.</returns>
    public static bool CanCollectMembershipDelta(PatchRequest request, ResourceTypeDefinition resourceType)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(resourceType);
        var members = MembersAttribute(resourceType);
        if (members is null)
        {
            return true;
        }

        foreach (var operation in request.Operations)
        {
            if (operation.Path is not null)
            {
                if (!PathFitsDelta(operation.Op, operation.Path))
                {
                    return false;
                }
            }
            else if (operation.Value is JsonObject value)
            {
                foreach (var pair in value)
                {
                    if ((pair.Key.Contains('.') || pair.Key.Contains(':')) && PatchPath.TryParse(pair.Key, out var keyPath, out _) && !PathFitsDelta(operation.Op, keyPath))
                    {
                        return false;
                    }
                }
            }
        }

        return true;

        bool PathFitsDelta(PatchOperationType op, PatchPath path)
        {
            if (!resourceType.TryResolve(path.Attribute.SchemaUri, path.Attribute.Name, out _, out var attribute) || !ReferenceEquals(attribute, members))
            {
                return true;
            }

            if (path.Attribute.SubAttribute is not null)
            {
                return false;
            }

            return path.ValueFilter is null
                || (op == PatchOperationType.Remove && path.SubAttribute is null && ElementFilter.ValueEqualities(path.ValueFilter) is not null);
        }
    }

    internal static AttributeDefinition? MembersAttribute(ResourceTypeDefinition resourceType)
    {
        var members = resourceType.Schema.FindAttribute("members");
        return members is { MultiValued: true, Type: AttributeType.Complex } && members.FindSubAttribute("value") is not null ? members : null;
    }

    private static bool SameExcept(JsonObject before, JsonObject after, string? skip)
    {
        var count = 0;
        for (var i = 0; i < before.Count; i++)
        {
            // By index: a foreach over a JsonObject boxes its enumerator.
            var pair = before.GetAt(i);
            if (skip is not null && string.Equals(pair.Key, skip, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            count++;
            if (!after.TryGetPropertyValue(pair.Key, out var other) || !JsonNode.DeepEquals(pair.Value, other))
            {
                return false;
            }
        }

        return count == after.Count;
    }
}
