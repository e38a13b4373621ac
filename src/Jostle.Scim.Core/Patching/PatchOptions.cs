using System.Text.Json.Nodes;

namespace Jostle.Scim.Patching;

/// <summary>Options of <see cref="PatchApplier.Apply"/>.</summary>
public sealed class PatchOptions
{
    /// <summary>The options used when none are given.</summary>
    public static PatchOptions Default { get; } = new();

    /// <summary>The compatibility rules in force. Default: all of them. Switch one off for the strict RFC behaviour.</summary>
    public ScimCompatibility Compatibility { get; init; } = ScimCompatibility.All;

    /// <summary>
    /// When <see langword="true"/>, operations on a Group's <c>members</c> are not applied to the document but collected
    /// in <see cref="PatchResult.Membership"/> so a store can apply them without loading the member list; the returned
    /// document has no <c>members</c>. Check <see cref="PatchApplier.CanCollectMembershipDelta"/> first: a request that
    /// needs the list (a filter other than <c>value eq "…"</c>, a sub-attribute path) must be applied in document mode.
    /// </summary>
    public bool MembershipDelta { get; init; }
}

/// <summary>The outcome of <see cref="PatchApplier.Apply"/>.</summary>
public sealed class PatchResult
{
    internal PatchResult(JsonObject resource, bool changed, ScimCompatibility rulesFired, MembershipDelta? membership)
    {
        Resource = resource;
        Changed = changed;
        RulesFired = rulesFired;
        Membership = membership;
    }

    /// <summary>The patched resource: a new document; the input is never modified.</summary>
    public JsonObject Resource { get; }

    /// <summary>Whether the document differs from the input (membership deltas not included: see <see cref="Membership"/>).</summary>
    public bool Changed { get; }

    /// <summary>The compatibility rules the request needed (parsing and applying), for logging.</summary>
    public ScimCompatibility RulesFired { get; }

    /// <summary>In membership-delta mode, the membership changes; otherwise <see langword="null"/>.</summary>
    public MembershipDelta? Membership { get; }
}

/// <summary>
/// A change to a Group's members expressed as a delta, to apply in this order: when <see cref="RemoveAll"/>, remove
/// every member; remove <see cref="Removed"/>; add <see cref="Added"/> (adding a present member is not an error).
/// <see cref="Added"/> and <see cref="Removed"/> never share a value.
/// </summary>
public sealed class MembershipDelta
{
    private readonly Dictionary<string, JsonObject> _added = new(StringComparer.Ordinal);
    private readonly List<string> _addedOrder = [];
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);

    /// <summary>Whether every current member is removed first (a <c>replace</c> or path-only <c>remove</c> of <c>members</c>).</summary>
    public bool RemoveAll { get; private set; }

    /// <summary>The members to add (each with a string <c>value</c>, plus whatever else was sent: <c>type</c>, <c>display</c>, <c>$ref</c>).</summary>
    public IReadOnlyList<JsonObject> Added => [.. _addedOrder.Select(v => _added[v])];

    /// <summary>The ids (<c>value</c>s) of the members to remove.</summary>
    public IReadOnlyCollection<string> Removed => _removed;

    /// <summary>Whether the delta changes nothing.</summary>
    public bool IsEmpty => !RemoveAll && _added.Count == 0 && _removed.Count == 0;

    internal void Add(string value, JsonObject member)
    {
        _removed.Remove(value);
        if (_added.TryAdd(value, member))
        {
            _addedOrder.Add(value);
        }
    }

    internal void Remove(string value)
    {
        if (_added.Remove(value))
        {
            _addedOrder.Remove(value);
        }

        if (!RemoveAll)
        {
            _removed.Add(value);
        }
    }

    internal void Clear()
    {
        RemoveAll = true;
        _added.Clear();
        _addedOrder.Clear();
        _removed.Clear();
    }
}
