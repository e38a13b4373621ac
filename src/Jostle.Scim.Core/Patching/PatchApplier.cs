using System.Text.Json;
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
        if (skip is null || JsonKeys.Find(resource, skip) is null)
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

/// <summary>The state of one <see cref="PatchApplier.Apply"/> call: the working document and the operation being applied.</summary>
internal sealed class PatchSession
{
    private readonly JsonObject _document;
    private readonly ResourceTypeDefinition _resourceType;
    private readonly ScimCompatibility _compatibility;
    private readonly MembershipDelta? _delta;
    private readonly AttributeDefinition? _members;
    private PatchOperation _operation = null!;

    // Whether an extension's object may have become empty since DropEmptyExtensions last ran: true before the first
    // operation (the resource may arrive with an empty one), then set when an operation reaches an extension's object.
    private bool _extensionsTouched = true;

    public PatchSession(JsonObject document, ResourceTypeDefinition resourceType, ScimCompatibility compatibility, MembershipDelta? delta)
    {
        _document = document;
        _resourceType = resourceType;
        _compatibility = compatibility;
        _delta = delta;
        _members = PatchApplier.MembersAttribute(resourceType);
    }

    public ScimCompatibility Fired { get; private set; }

    public void Run(PatchOperation operation)
    {
        _operation = operation;
        if (operation.Path is null)
        {
            _extensionsTouched = true;
            ApplyPathless(operation.Op, operation.Value);
        }
        else
        {
            ApplyAt(operation.Op, Resolve(operation.Path), operation.Value);
        }

        if (_extensionsTouched)
        {
            DropEmptyExtensions();
            _extensionsTouched = false;
        }
    }

    private bool Allowed(ScimCompatibility rule) => (_compatibility & rule) != 0;

    private ScimException Fail(ScimErrorType type, string message) => new(type, $"{_operation}: {message}");

    private Target Resolve(PatchPath path)
    {
        if (!_resourceType.TryResolve(path.Attribute.SchemaUri, path.Attribute.Name, out var schema, out var attribute))
        {
            throw Fail(ScimErrorType.InvalidPath, $"{_resourceType.Name} has no attribute {path.Attribute.WithSubAttribute(null)}.");
        }

        AttributeDefinition? sub = null;
        if (path.Attribute.SubAttribute is { } subName)
        {
            sub = attribute.FindSubAttribute(subName) ?? throw Fail(ScimErrorType.InvalidPath, $"{attribute.Name} has no sub-attribute {subName}.");
        }

        ElementFilter? filter = null;
        if (path.ValueFilter is not null)
        {
            if (!attribute.MultiValued || attribute.Type != AttributeType.Complex)
            {
                throw Fail(ScimErrorType.InvalidPath, $"a value filter selects values of a multi-valued complex attribute, and {attribute.Name} is not one.");
            }

            filter = ElementFilter.Create(path.ValueFilter, attribute, out var error);
            if (error is not null)
            {
                throw Fail(ScimErrorType.InvalidPath, error);
            }

            if (path.SubAttribute is { } selected)
            {
                sub = attribute.FindSubAttribute(selected) ?? throw Fail(ScimErrorType.InvalidPath, $"{attribute.Name} has no sub-attribute {selected}.");
            }
        }

        return new Target(schema, attribute, sub, filter, path.ValueFilter);
    }

    private void ApplyPathless(PatchOperationType op, JsonNode? value)
    {
        if (value is not JsonObject attributes)
        {
            throw Fail(ScimErrorType.InvalidValue, "without a path, the value must be a JSON object of attributes.");
        }

        foreach (var (key, item) in attributes)
        {
            if (string.Equals(key, "schemas", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var extension = _resourceType.Extensions.FirstOrDefault(e => string.Equals(e.Schema.Id, key, StringComparison.OrdinalIgnoreCase));
            if (extension is not null)
            {
                if (item is not JsonObject inner)
                {
                    throw Fail(ScimErrorType.InvalidValue, $"{key} must be a JSON object of the extension's attributes.");
                }

                foreach (var (innerKey, innerValue) in inner)
                {
                    var attribute = extension.Schema.FindAttribute(innerKey) ?? throw Fail(ScimErrorType.InvalidPath, $"{extension.Schema.Id} has no attribute {innerKey}.");
                    ApplyNamed(op, new Target(extension.Schema, attribute, null, null, null), innerValue);
                }

                continue;
            }

            if (key.Contains('.') || key.Contains(':'))
            {
                if (!Allowed(ScimCompatibility.PathlessDottedKeys))
                {
                    throw Fail(ScimErrorType.InvalidPath, $"\"{key}\" is not an attribute name: without a path the value holds attributes by name (the PathlessDottedKeys rule is off).");
                }

                if (!PatchPath.TryParse(key, out var keyPath, out var error))
                {
                    throw Fail(ScimErrorType.InvalidPath, $"\"{key}\": {error.Message}");
                }

                Fired |= ScimCompatibility.PathlessDottedKeys;
                ApplyNamed(op, Resolve(keyPath), item);
                continue;
            }

            if (!_resourceType.TryResolve(null, key, out var schema, out var found))
            {
                throw Fail(ScimErrorType.InvalidPath, $"{_resourceType.Name} has no attribute {key}.");
            }

            ApplyNamed(op, new Target(schema, found, null, null, null), item);
        }
    }

    /// <summary>One attribute of a path-less value: a read-only attribute sent unchanged (e.g. <c>id</c>) is skipped; <c>null</c> clears on replace.</summary>
    private void ApplyNamed(PatchOperationType op, Target target, JsonNode? value)
    {
        if (target.Sub is null && target.Filter is null && target.Attribute.Mutability == Mutability.ReadOnly
            && JsonNode.DeepEquals(Container(target.Schema, false) is { } c ? JsonKeys.Get(c, target.Attribute.Name) : null, value))
        {
            return;
        }

        if (value is null)
        {
            if (op == PatchOperationType.Replace)
            {
                ApplyAt(PatchOperationType.Remove, target, null);
            }

            return;
        }

        ApplyAt(op, target, value);
    }

    private void ApplyAt(PatchOperationType op, Target target, JsonNode? value)
    {
        var attribute = target.Attribute;
        if (attribute.Mutability == Mutability.ReadOnly)
        {
            throw Fail(ScimErrorType.Mutability, $"{attribute.Name} is readOnly.");
        }

        if (target.Sub is { Mutability: Mutability.ReadOnly } readOnlySub)
        {
            throw Fail(ScimErrorType.Mutability, $"{attribute.Name}.{readOnlySub.Name} is readOnly.");
        }

        if (_delta is not null && ReferenceEquals(attribute, _members))
        {
            ApplyMembershipDelta(op, target, value);
            return;
        }

        if (op == PatchOperationType.Remove)
        {
            Remove(target, value);
            return;
        }

        var container = Container(target.Schema, true)!;
        if (target.Filter is not null)
        {
            ApplyToSelected(op, target, container, value);
        }
        else if (target.Sub is { } sub)
        {
            if (attribute.MultiValued)
            {
                throw Fail(ScimErrorType.InvalidPath, $"{attribute.Name}.{sub.Name} does not say which {attribute.Name} value to change; select it with a filter, e.g. {attribute.Name}[type eq \"work\"].{sub.Name}.");
            }

            var parent = JsonKeys.Get(container, attribute.Name) as JsonObject;
            if (parent is null)
            {
                parent = [];
                JsonKeys.Set(container, attribute.Name, parent);
            }

            SetMember(parent, sub, Coerce(sub, value, new(attribute.Name, sub.Name)), new(attribute.Name, sub.Name));
        }
        else if (attribute.MultiValued)
        {
            var items = Detach((JsonArray)Coerce(attribute, value, attribute.Name));
            if (op == PatchOperationType.Add)
            {
                Append(container, attribute, items);
            }
            else
            {
                if (items.Count(IsPrimary) > 1)
                {
                    throw Fail(ScimErrorType.InvalidValue, $"at most one {attribute.Name} value may be primary.");
                }

                if (items.Count == 0)
                {
                    JsonKeys.Remove(container, attribute.Name);
                }
                else
                {
                    JsonKeys.Set(container, attribute.Name, new JsonArray([.. items]));
                }
            }
        }
        else
        {
            SetMember(container, attribute, Coerce(attribute, value, attribute.Name), attribute.Name);
        }
    }

    private void ApplyToSelected(PatchOperationType op, Target target, JsonObject container, JsonNode? value)
    {
        var attribute = target.Attribute;
        var array = JsonKeys.Get(container, attribute.Name) as JsonArray;
        var matches = new List<JsonObject>();
        if (array is not null)
        {
            var filter = target.Filter!;
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonObject candidate && filter.Matches(candidate))
                {
                    matches.Add(candidate);
                }
            }
        }

        if (matches.Count == 0)
        {
            var template = Allowed(ScimCompatibility.CreateMissingValuePathElement) ? target.Filter!.TemplateElement() : null;
            if (template is null)
            {
                throw Fail(ScimErrorType.NoTarget, $"no value of {attribute.Name} matches the filter [{target.FilterText}].");
            }

            var addition = target.Sub is { } s
                ? new JsonObject { [s.Name] = Coerce(s, value, new(attribute.Name, s.Name)) }
                : (JsonObject)Coerce(attribute, value, attribute.Name, element: true);
            foreach (var (key, item) in Detach(addition))
            {
                template[key] = item;
            }

            Fired |= ScimCompatibility.CreateMissingValuePathElement;
            Append(container, attribute, [template]);
            return;
        }

        for (var index = 0; index < matches.Count; index++)
        {
            var element = matches[index];
            if (target.Sub is { } sub)
            {
                SetMember(element, sub, Coerce(sub, value, new(attribute.Name, sub.Name)), new(attribute.Name, sub.Name));
            }
            else
            {
                var incoming = (JsonObject)Coerce(attribute, value, attribute.Name, element: true);
                if (op == PatchOperationType.Replace)
                {
                    foreach (var sub2 in attribute.SubAttributes.Where(a => a.Mutability == Mutability.Immutable))
                    {
                        var before = JsonKeys.Get(element, sub2.Name);
                        if (IsPresent(before) && !JsonNode.DeepEquals(before, JsonKeys.Get(incoming, sub2.Name)))
                        {
                            throw Fail(ScimErrorType.Mutability, $"{attribute.Name}.{sub2.Name} is immutable.");
                        }
                    }

                    array![array.IndexOf(element)] = incoming;
                    matches[index] = incoming;
                }
                else
                {
                    foreach (var (key, item) in Detach(incoming))
                    {
                        SetMember(element, attribute.FindSubAttribute(key)!, item!, new(attribute.Name, key));
                    }
                }
            }
        }

        EnforceSinglePrimary(array!, matches);
    }

    private void Remove(Target target, JsonNode? value)
    {
        var attribute = target.Attribute;
        var container = Container(target.Schema, false);
        if (container is null)
        {
            return;
        }

        var current = JsonKeys.Get(container, attribute.Name);
        if (target.Filter is not null)
        {
            if (current is not JsonArray array)
            {
                return;
            }

            if (target.Sub is { } selectedSub)
            {
                CheckRemovable(selectedSub, $"{attribute.Name}.{selectedSub.Name}", array.Where(target.Filter.Matches).Select(e => JsonKeys.Get((JsonObject)e!, selectedSub.Name)));
                foreach (var element in array.Where(target.Filter.Matches))
                {
                    JsonKeys.Remove((JsonObject)element!, selectedSub.Name);
                }

                return;
            }

            RemoveWhere(container, attribute, array, target.Filter.Matches);
            return;
        }

        if (target.Sub is { } sub)
        {
            var name = $"{attribute.Name}.{sub.Name}";
            if (current is JsonArray all)
            {
                CheckRemovable(sub, name, all.OfType<JsonObject>().Select(e => JsonKeys.Get(e, sub.Name)));
                foreach (var element in all.OfType<JsonObject>())
                {
                    JsonKeys.Remove(element, sub.Name);
                }
            }
            else if (current is JsonObject parent)
            {
                CheckRemovable(sub, name, [JsonKeys.Get(parent, sub.Name)]);
                JsonKeys.Remove(parent, sub.Name);
                if (parent.Count == 0)
                {
                    JsonKeys.Remove(container, attribute.Name);
                }
            }

            return;
        }

        if (value is not null && attribute.MultiValued && attribute.Type == AttributeType.Complex)
        {
            var selections = SelectionsToRemove(attribute, value);
            if (current is JsonArray array)
            {
                var valueSub = attribute.FindSubAttribute("value");
                var comparison = valueSub is { CaseExact: false } ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                RemoveWhere(container, attribute, array, element => selections.Any(selection =>
                    JsonKeys.Get(selection, "value") is JsonValue wanted && wanted.TryGetValue<string>(out var id)
                        ? element is JsonObject e && JsonKeys.Get(e, "value") is JsonValue have && have.TryGetValue<string>(out var actual) && string.Equals(actual, id, comparison)
                        : JsonNode.DeepEquals(element, selection)));
            }

            return;
        }

        CheckRemovable(attribute, attribute.Name, [current]);
        JsonKeys.Remove(container, attribute.Name);
    }

    /// <summary>Entra ID's <c>{"op":"Remove","path":"members","value":[{"value":"id"}]}</c>: the values to remove, when the rule allows it.</summary>
    private List<JsonObject> SelectionsToRemove(AttributeDefinition attribute, JsonNode value)
    {
        if (!Allowed(ScimCompatibility.RemoveMembersByValue))
        {
            throw Fail(ScimErrorType.InvalidValue, $"remove takes no value; to remove some values of {attribute.Name} select them with a filter, e.g. {attribute.Name}[value eq \"…\"] (the RemoveMembersByValue rule is off).");
        }

        Fired |= ScimCompatibility.RemoveMembersByValue;
        var selections = Detach((JsonArray)Coerce(attribute, value, attribute.Name)).Cast<JsonObject>().ToList();
        if (selections.Count == 0)
        {
            throw Fail(ScimErrorType.InvalidValue, $"the value lists no {attribute.Name} to remove.");
        }

        return selections;
    }

    private void RemoveWhere(JsonObject container, AttributeDefinition attribute, JsonArray array, Func<JsonNode?, bool> predicate)
    {
        for (var i = array.Count - 1; i >= 0; i--)
        {
            if (predicate(array[i]))
            {
                array.RemoveAt(i);
            }
        }

        if (array.Count == 0)
        {
            JsonKeys.Remove(container, attribute.Name);
        }
    }

    private void CheckRemovable(AttributeDefinition attribute, string name, IEnumerable<JsonNode?> currentValues)
    {
        if (attribute.Mutability == Mutability.Immutable && currentValues.Any(IsPresent))
        {
            throw Fail(ScimErrorType.Mutability, $"{name} is immutable and cannot be removed.");
        }
    }

    private void ApplyMembershipDelta(PatchOperationType op, Target target, JsonNode? value)
    {
        var delta = _delta!;
        if (target.Filter is not null)
        {
            foreach (var id in ElementFilter.ValueEqualities(target.FilterText!)!)
            {
                delta.Remove(id);
            }

            return;
        }

        switch (op)
        {
            case PatchOperationType.Remove when value is null:
                delta.Clear();
                return;
            case PatchOperationType.Remove:
                foreach (var selection in SelectionsToRemove(target.Attribute, value))
                {
                    delta.Remove(MemberId(selection));
                }

                return;
            case PatchOperationType.Replace:
                delta.Clear();
                break;
        }

        foreach (var member in Detach((JsonArray)Coerce(target.Attribute, value, target.Attribute.Name)).Cast<JsonObject>())
        {
            delta.Add(MemberId(member), member);
        }
    }

    private string MemberId(JsonObject member) =>
        JsonKeys.Get(member, "value") is JsonValue v && v.TryGetValue<string>(out var id) && id.Length > 0
            ? id
            : throw Fail(ScimErrorType.InvalidValue, "each member needs a \"value\" (the member's id).");

    /// <summary>Appends values to a multi-valued attribute, skipping values already present (members: by <c>value</c>).</summary>
    private void Append(JsonObject container, AttributeDefinition attribute, IReadOnlyList<JsonNode?> items)
    {
        var array = JsonKeys.Get(container, attribute.Name) as JsonArray;
        if (array is null)
        {
            array = [];
            JsonKeys.Set(container, attribute.Name, array);
        }

        var byValue = ReferenceEquals(attribute, _members);
        HashSet<string>? ids = byValue ? new(array.OfType<JsonObject>().Select(e => JsonKeys.Get(e, "value") is JsonValue v && v.TryGetValue<string>(out var s) ? s : "").Where(s => s.Length > 0), StringComparer.Ordinal) : null;
        var added = new List<JsonNode>();
        foreach (var item in items)
        {
            if (item is null)
            {
                continue;
            }

            var duplicate = ids is not null && item is JsonObject member && JsonKeys.Get(member, "value") is JsonValue idNode && idNode.TryGetValue<string>(out var id)
                ? !ids.Add(id)
                : array.Any(existing => JsonNode.DeepEquals(existing, item));
            if (!duplicate)
            {
                array.Add(item);
                added.Add(item);
            }
        }

        if (array.Count == 0)
        {
            JsonKeys.Remove(container, attribute.Name);
            return;
        }

        if (added.Count(IsPrimary) > 1)
        {
            throw Fail(ScimErrorType.InvalidValue, $"at most one {attribute.Name} value may be primary.");
        }

        EnforceSinglePrimary(array, added);
    }

    /// <summary>When one of <paramref name="touched"/> is now primary, clears the flag on every other value (RFC 7643 §2.4).</summary>
    private static void EnforceSinglePrimary<T>(JsonArray array, List<T> touched)
        where T : JsonNode
    {
        T? primary = null;
        for (var i = touched.Count - 1; i >= 0 && primary is null; i--)
        {
            if (IsPrimary(touched[i]))
            {
                primary = touched[i];
            }
        }

        if (primary is null)
        {
            return;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var element = array[i];
            if (!ReferenceEquals(element, primary) && IsPrimary(element) && element is JsonObject obj)
            {
                JsonKeys.Set(obj, JsonKeys.Find(obj, "primary")!, false);
            }
        }
    }

    private static bool IsPrimary(JsonNode? element) =>
        element is JsonObject obj && JsonKeys.Get(obj, "primary") is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>Sets an attribute; a complex value is merged into the current one sub-attribute by sub-attribute; an immutable value may only be set once.</summary>
    private void SetMember(JsonObject parent, AttributeDefinition attribute, JsonNode value, AttributeName name)
    {
        var existing = JsonKeys.Get(parent, attribute.Name);
        if (attribute is { Type: AttributeType.Complex, MultiValued: false } && existing is JsonObject current && value is JsonObject incoming)
        {
            foreach (var (key, item) in Detach(incoming))
            {
                SetMember(current, attribute.FindSubAttribute(key)!, item!, $"{name}.{key}");
            }

            return;
        }

        if (attribute.Mutability == Mutability.Immutable && IsPresent(existing) && !JsonNode.DeepEquals(existing, value))
        {
            throw Fail(ScimErrorType.Mutability, $"{name} is immutable and already has a value.");
        }

        JsonKeys.Set(parent, attribute.Name, value);
    }

    /// <summary>Checks a value against the attribute's type and returns a new node to store (canonical sub-attribute names, compatibility conversions applied).</summary>
    private JsonNode Coerce(AttributeDefinition attribute, JsonNode? value, AttributeName name, bool element = false)
    {
        if (attribute.MultiValued && !element)
        {
            var result = new JsonArray();
            foreach (var item in value is JsonArray array ? array : [value?.DeepClone()])
            {
                result.Add(Coerce(attribute, item, name, element: true));
            }

            return result;
        }

        if (value is null || value.GetValueKind() == JsonValueKind.Null)
        {
            throw Fail(ScimErrorType.InvalidValue, $"{name} cannot be null.");
        }

        switch (attribute.Type)
        {
            case AttributeType.Complex:
                if (value is JsonValue idValue && idValue.TryGetValue<string>(out var id) && IsManager(attribute) && Allowed(ScimCompatibility.ManagerAsString))
                {
                    Fired |= ScimCompatibility.ManagerAsString;
                    return new JsonObject { ["value"] = id };
                }

                if (value is not JsonObject obj)
                {
                    throw Fail(ScimErrorType.InvalidValue, $"{name} is complex and needs a JSON object, not {Describe(value)}.");
                }

                var complex = new JsonObject();
                foreach (var (key, item) in obj)
                {
                    var sub = attribute.FindSubAttribute(key) ?? throw Fail(ScimErrorType.InvalidValue, $"{name} has no sub-attribute {key}.");
                    if (item is not null && item.GetValueKind() != JsonValueKind.Null && sub.Mutability != Mutability.ReadOnly)
                    {
                        complex[sub.Name] = Coerce(sub, item, $"{name}.{sub.Name}");
                    }
                }

                return complex;
            case AttributeType.Boolean:
                if (value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                {
                    return value.DeepClone();
                }

                if (value is JsonValue text && text.TryGetValue<string>(out var s) && Allowed(ScimCompatibility.StringBooleans)
                    && (string.Equals(s, "true", StringComparison.OrdinalIgnoreCase) || string.Equals(s, "false", StringComparison.OrdinalIgnoreCase)))
                {
                    Fired |= ScimCompatibility.StringBooleans;
                    return JsonValue.Create(string.Equals(s, "true", StringComparison.OrdinalIgnoreCase));
                }

                throw Fail(ScimErrorType.InvalidValue, $"{name} is boolean, not {Describe(value)}.");
            case AttributeType.Integer:
                return value is JsonValue n && n.GetValueKind() == JsonValueKind.Number && n.TryGetValue<long>(out _)
                    ? value.DeepClone()
                    : throw Fail(ScimErrorType.InvalidValue, $"{name} is an integer, not {Describe(value)}.");
            case AttributeType.Decimal:
                return value.GetValueKind() == JsonValueKind.Number
                    ? value.DeepClone()
                    : throw Fail(ScimErrorType.InvalidValue, $"{name} is a decimal number, not {Describe(value)}.");
            case AttributeType.DateTime:
                return value is JsonValue d && d.TryGetValue<string>(out var date)
                    && DateTimeOffset.TryParse(date, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out _)
                    ? value.DeepClone()
                    : throw Fail(ScimErrorType.InvalidValue, $"{name} is a dateTime, not {Describe(value)}.");
            default:
                return value.GetValueKind() == JsonValueKind.String
                    ? value.DeepClone()
                    : throw Fail(ScimErrorType.InvalidValue, $"{name} is a string, not {Describe(value)}.");
        }
    }

    private static bool IsManager(AttributeDefinition attribute) =>
        string.Equals(attribute.Name, "manager", StringComparison.OrdinalIgnoreCase) && !attribute.MultiValued && attribute.FindSubAttribute("value") is not null;

    private static string Describe(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => "a string (" + value.ToJsonString() + ")",
        JsonValueKind.Number => "a number (" + value.ToJsonString() + ")",
        JsonValueKind.True or JsonValueKind.False => "a boolean (" + value.ToJsonString() + ")",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static bool IsPresent(JsonNode? node) => node switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        _ => node.GetValueKind() != JsonValueKind.Null,
    };

    /// <summary>Empties a JSON container, returning its former children free to be re-parented.</summary>
    private static List<JsonNode?> Detach(JsonArray array)
    {
        var items = array.ToList();
        array.Clear();
        return items;
    }

    private static List<KeyValuePair<string, JsonNode?>> Detach(JsonObject obj)
    {
        var items = obj.ToList();
        obj.Clear();
        return items;
    }

    private JsonObject? Container(SchemaDefinition schema, bool create)
    {
        if (ReferenceEquals(schema, _resourceType.Schema))
        {
            return _document;
        }

        _extensionsTouched = true;
        if (JsonKeys.Get(_document, schema.Id) is JsonObject extension)
        {
            return extension;
        }

        if (!create)
        {
            return null;
        }

        extension = [];
        _document[schema.Id] = extension;
        if (JsonKeys.Get(_document, "schemas") is not JsonArray schemas)
        {
            schemas = [];
            _document["schemas"] = schemas;
        }

        if (!schemas.Any(s => s is JsonValue v && v.TryGetValue<string>(out var uri) && string.Equals(uri, schema.Id, StringComparison.OrdinalIgnoreCase)))
        {
            schemas.Add(schema.Id);
        }

        return extension;
    }

    private void DropEmptyExtensions()
    {
        var extensions = _resourceType.Extensions;
        for (var e = 0; e < extensions.Count; e++)
        {
            var extension = extensions[e];
            var key = JsonKeys.Find(_document, extension.Schema.Id);
            if (key is null || _document[key] is not JsonObject { Count: 0 })
            {
                continue;
            }

            _document.Remove(key);
            if (JsonKeys.Get(_document, "schemas") is JsonArray schemas)
            {
                for (var i = schemas.Count - 1; i >= 0; i--)
                {
                    if (schemas[i] is JsonValue v && v.TryGetValue<string>(out var uri) && string.Equals(uri, extension.Schema.Id, StringComparison.OrdinalIgnoreCase))
                    {
                        schemas.RemoveAt(i);
                    }
                }
            }
        }
    }

    /// <summary>An attribute's name as error details spell it (<c>name.givenName</c>), joined only when a message needs it.</summary>
    private readonly record struct AttributeName(string Head, string? Tail)
    {
        public static implicit operator AttributeName(string name) => new(name, null);

        public override string ToString() => Tail is null ? Head : Head + "." + Tail;
    }

    private readonly record struct Target(SchemaDefinition Schema, AttributeDefinition Attribute, AttributeDefinition? Sub, ElementFilter? Filter, FilterExpression? FilterText);
}
