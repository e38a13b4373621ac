using System.Text.Json.Nodes;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Patching;

/// <summary>
/// The state of one <see cref="PatchApplier.Apply"/> call: the working document, the operation being applied and the
/// compatibility rules that fired. It runs each operation and dispatches it to the operation that does the work:
/// <see cref="PathlessOperation"/>, <see cref="AddReplaceOperation"/>, <see cref="RemoveOperation"/> or, in
/// membership-delta mode, <see cref="MembershipDeltaRecorder"/>.
/// </summary>
internal sealed class PatchSession
{
    private PatchOperation _operation = null!;

    public PatchSession(JsonObject document, ResourceTypeDefinition resourceType, ScimCompatibility compatibility, MembershipDelta? delta)
    {
        Document = document;
        ResourceType = resourceType;
        Compatibility = compatibility;
        Delta = delta;
        Members = PatchApplier.MembersAttribute(resourceType);
    }

    /// <summary>The working copy of the resource.</summary>
    public JsonObject Document { get; }

    public ResourceTypeDefinition ResourceType { get; }

    public ScimCompatibility Compatibility { get; }

    /// <summary>In membership-delta mode, the delta that <c>members</c> operations are recorded in; otherwise <see langword="null"/>.</summary>
    public MembershipDelta? Delta { get; }

    /// <summary>The resource type's <c>members</c> attribute (see <see cref="PatchApplier.MembersAttribute"/>).</summary>
    public AttributeDefinition? Members { get; }

    /// <summary>The compatibility rules that fired so far.</summary>
    public ScimCompatibility Fired { get; private set; }

    /// <summary>
    /// Whether an extension's object may have become empty since <see cref="AttributeContainers.DropEmptyExtensions"/> last
    /// ran: true before the first operation (the resource may arrive with an empty one), then set when an operation
    /// reaches an extension's object.
    /// </summary>
    public bool ExtensionsTouched { get; set; } = true;

    public void Run(PatchOperation operation)
    {
        _operation = operation;
        if (operation.Path is null)
        {
            ExtensionsTouched = true;
            PathlessOperation.Apply(this, operation.Op, operation.Value);
        }
        else
        {
            ApplyAt(operation.Op, PatchTargets.Resolve(this, operation.Path), operation.Value);
        }

        if (ExtensionsTouched)
        {
            AttributeContainers.DropEmptyExtensions(this);
            ExtensionsTouched = false;
        }
    }

    /// <summary>Whether a compatibility rule is switched on.</summary>
    public bool Allowed(ScimCompatibility rule) => (Compatibility & rule) != 0;

    /// <summary>Records that a compatibility rule fired.</summary>
    public void Fire(ScimCompatibility rule) => Fired |= rule;

    /// <summary>An error whose detail names the operation being applied.</summary>
    public ScimException Fail(ScimErrorType type, string message) => new(type, $"{_operation}: {message}");

    /// <summary>One attribute of a path-less value: a read-only attribute sent unchanged (e.g. <c>id</c>) is skipped; <c>null</c> clears on replace.</summary>
    public void ApplyNamed(PatchOperationType op, PatchTarget target, JsonNode? value)
    {
        if (target.Sub is null && target.Filter is null && target.Attribute.Mutability == Mutability.ReadOnly
            && JsonNode.DeepEquals(AttributeContainers.Get(this, target.Schema, false) is { } c ? JsonMemberLookup.Get(c, target.Attribute.Name) : null, value))
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

    /// <summary>Applies one operation to a resolved target: read-only checks, then the operation that does the work.</summary>
    public void ApplyAt(PatchOperationType op, PatchTarget target, JsonNode? value)
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

        if (Delta is not null && ReferenceEquals(attribute, Members))
        {
            MembershipDeltaRecorder.Record(this, op, target, value);
            return;
        }

        if (op == PatchOperationType.Remove)
        {
            RemoveOperation.Apply(this, target, value);
            return;
        }

        AddReplaceOperation.Apply(this, op, target, value);
    }
}
