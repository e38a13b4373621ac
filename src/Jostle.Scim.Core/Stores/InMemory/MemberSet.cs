namespace Jostle.Scim.Stores.InMemory;

/// <summary>
/// A group's members as an insertion-ordered set: O(1) add, remove and lookup by member id, iteration in the
/// order members were added. Not thread-safe; the owning tenant's lock guards it.
/// </summary>
internal sealed class MemberSet
{
    private readonly LinkedList<GroupMember> _order = new();
    private readonly Dictionary<string, LinkedListNode<GroupMember>> _byValue = new(StringComparer.Ordinal);

    public int Count => _byValue.Count;

    public IEnumerable<GroupMember> Members => _order;

    public IEnumerable<string> Values => _byValue.Keys;

    public bool Contains(string value) => _byValue.ContainsKey(value);

    /// <summary>Adds a member; a present member stays where it is.</summary>
    public bool Add(GroupMember member)
    {
        if (_byValue.ContainsKey(member.Value))
        {
            return false;
        }

        _byValue.Add(member.Value, _order.AddLast(member));
        return true;
    }

    public bool Remove(string value)
    {
        if (!_byValue.Remove(value, out var node))
        {
            return false;
        }

        _order.Remove(node);
        return true;
    }

    public void Clear()
    {
        _byValue.Clear();
        _order.Clear();
    }
}
