namespace Jostle.Scim.Stores.InMemory;

/// <summary>
/// A tenant's resources in creation order: two parallel arrays (sequence, id) sorted by sequence, so keyset paging
/// seeks to a position by binary search and reads on from there. Creation appends (sequences only grow); a delete
/// leaves a hole that is skipped, and the holes are compacted away once they outnumber the live entries. No object
/// per resource beyond the id string the table already holds.
/// </summary>
internal sealed class SequenceIndex
{
    private readonly List<long> _sequences = [];
    private readonly List<string?> _ids = [];
    private int _holes;

    /// <summary>Appends a resource; <paramref name="sequence"/> is greater than every sequence added before.</summary>
    public void Add(long sequence, string id)
    {
        _sequences.Add(sequence);
        _ids.Add(id);
    }

    /// <summary>Removes the resource with <paramref name="sequence"/>, if present.</summary>
    public void Remove(long sequence)
    {
        var at = _sequences.BinarySearch(sequence);
        if (at < 0 || _ids[at] is null)
        {
            return;
        }

        _ids[at] = null;
        if (++_holes > 64 && _holes > _ids.Count / 2)
        {
            Compact();
        }
    }

    /// <summary>The live entries whose sequence is greater than <paramref name="after"/> (every entry for <see langword="null"/>), in order.</summary>
    public IEnumerable<(long Sequence, string Id)> After(long? after)
    {
        var start = 0;
        if (after is { } position)
        {
            start = _sequences.BinarySearch(position);
            start = start >= 0 ? start + 1 : ~start;
        }

        for (var i = start; i < _ids.Count; i++)
        {
            if (_ids[i] is { } id)
            {
                yield return (_sequences[i], id);
            }
        }
    }

    private void Compact()
    {
        var kept = 0;
        for (var i = 0; i < _ids.Count; i++)
        {
            if (_ids[i] is { } id)
            {
                _sequences[kept] = _sequences[i];
                _ids[kept] = id;
                kept++;
            }
        }

        _sequences.RemoveRange(kept, _sequences.Count - kept);
        _ids.RemoveRange(kept, _ids.Count - kept);
        _holes = 0;
    }
}
