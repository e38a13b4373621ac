using System.Linq.Expressions;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering.Linq;

/// <summary>
/// Where SCIM attributes live on an entity class, for <see cref="ScimLinqTranslator"/>. The non-generic base of
/// <see cref="ScimAttributeMap{TEntity}"/>.
/// </summary>
public abstract class ScimAttributeMap
{
    private readonly Dictionary<string, MapEntry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _resolvedGate = new();
    private readonly Dictionary<ResourceTypeDefinition, Dictionary<string, MapEntry>> _resolved = new(ReferenceEqualityComparer.Instance);

    private protected ScimAttributeMap()
    {
    }

    /// <summary>The entity class (or, for the element map of a collection, the element class).</summary>
    public abstract Type EntityType { get; }

    /// <summary>
    /// The normalised form of a case-insensitive value as a normalised column must hold it:
    /// <see cref="string.ToUpperInvariant"/>. Store <c>Normalize(userName)</c> beside <c>userName</c>, and the
    /// translator compares the column with the filter value normalised the same way.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>The normalised value, or <see langword="null"/> for <see langword="null"/>.</returns>
    public static string? Normalize(string? value) => value?.ToUpperInvariant();

    /// <summary>The attribute paths mapped so far, as written.</summary>
    public IEnumerable<string> Paths => _entries.Keys;

    private protected void Add(string path, MapEntry entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (ScimSlotPath.TryParse(path, out var slot))
        {
            AddSlot(slot, entry);
            return;
        }

        if (!AttributePath.TryParse(path, out _, out var error))
        {
            throw new ArgumentException($"'{path}' is not a SCIM attribute path: {error.Message}", nameof(path));
        }

        lock (_resolvedGate)
        {
            if (!_entries.TryAdd(path, entry))
            {
                throw new ArgumentException($"Attribute '{path}' is already mapped.", nameof(path));
            }

            _resolved.Clear();
        }
    }

    /// <summary>
    /// A slot: <c>emails[type eq "work"].value</c> on a member. The slots of one attribute are kept together under the
    /// attribute's path, each an element map whose discriminator (<c>type</c>) is the constant.
    /// </summary>
    private void AddSlot(ScimSlotPath slot, MapEntry entry)
    {
        if (entry is not MemberEntry member)
        {
            throw new ArgumentException($"A slot path ('{slot}') maps to a member, not a collection.", nameof(entry));
        }

        lock (_resolvedGate)
        {
            if (!_entries.TryGetValue(slot.Attribute, out var existing))
            {
                existing = new SlotsEntry([]);
                _entries[slot.Attribute] = existing;
            }

            if (existing is not SlotsEntry slots)
            {
                throw new ArgumentException($"Attribute '{slot.Attribute}' is already mapped as a whole; it cannot also have slots ('{slot}').", nameof(entry));
            }

            if (string.Equals(slot.SubAttribute, slot.Key, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{slot}': the slot's own discriminator '{slot.Key}' cannot be mapped to a member.", nameof(entry));
            }

            var element = slots.Slots.FirstOrDefault(s => string.Equals(s.Key, slot.Key, StringComparison.OrdinalIgnoreCase) && string.Equals(s.Value, slot.Value, StringComparison.Ordinal));
            if (element is null)
            {
                element = new Slot(slot.Key, slot.Value, new SlotElementMap(member.Member.Parameters[0].Type));
                element.Elements.AddEntry(slot.Key, new MemberEntry(System.Linq.Expressions.Expression.Lambda(System.Linq.Expressions.Expression.Constant(slot.Value), member.Member.Parameters[0]), null));
                slots.Slots.Add(element);
            }

            if (element.Elements.FindElement(slot.SubAttribute) is not null)
            {
                throw new ArgumentException($"Attribute '{slot}' is already mapped.", nameof(entry));
            }

            element.Elements.AddEntry(slot.SubAttribute, member);
            element.Present ??= member;
            _resolved.Clear();
        }
    }

    /// <summary>Adds an entry under a plain name (a slot's element map).</summary>
    private protected void AddEntry(string name, MapEntry entry) => _entries[name] = entry;

    /// <summary>The member holding the resource's JSON document, read for attributes no other entry maps (<see langword="null"/> when none).</summary>
    internal LambdaExpression? Document { get; private protected set; }

    /// <summary>How <see cref="Document"/> is read in a query (set with it).</summary>
    internal IScimJsonAccess? Json { get; private protected set; }

    /// <summary>An entry of an element map, looked up by sub-attribute name.</summary>
    internal MapEntry? FindElement(string subAttribute) => _entries.GetValueOrDefault(subAttribute);

    /// <summary>
    /// The entries keyed by their canonical path in <paramref name="resourceType"/>
    /// (<c>schemaUrn:attribute[.sub]</c>, lower case); paths the resource type does not define are left out.
    /// </summary>
    internal Dictionary<string, MapEntry> ResolveFor(ResourceTypeDefinition resourceType)
    {
        lock (_resolvedGate)
        {
            if (_resolved.TryGetValue(resourceType, out var cached))
            {
                return cached;
            }

            var resolved = new Dictionary<string, MapEntry>(StringComparer.Ordinal);
            foreach (var (text, entry) in _entries)
            {
                if (!AttributePath.TryParse(text, out var path, out _))
                {
                    continue;
                }

                if (!resourceType.TryResolve(path.SchemaUri, path.Name, out var schema, out var attribute))
                {
                    continue;
                }

                string? sub = null;
                if (path.SubAttribute is not null)
                {
                    var subAttribute = attribute.FindSubAttribute(path.SubAttribute);
                    if (subAttribute is null)
                    {
                        continue;
                    }

                    sub = subAttribute.Name;
                }

                resolved[CanonicalKey(schema.Id, attribute.Name, sub)] = entry;
            }

            _resolved[resourceType] = resolved;
            return resolved;
        }
    }

    internal static string CanonicalKey(string schemaId, string attribute, string? subAttribute) =>
        (subAttribute is null ? schemaId + ":" + attribute : schemaId + ":" + attribute + "." + subAttribute).ToLowerInvariant();
}

/// <summary>
/// Maps SCIM attribute paths onto the members of an entity class, so that <see cref="ScimLinqTranslator"/> can turn
/// a SCIM filter into an <c>Expression&lt;Func&lt;TEntity, bool&gt;&gt;</c> that a query provider (EF Core, or any other) runs in the database.
/// </summary>
/// <typeparam name="TEntity">The entity class.</typeparam>
/// <example>
/// <code>
/// var map = new ScimAttributeMap&lt;Employee&gt;()
///     .Map("id", e =&gt; e.PublicId)
///     .Map("userName", e =&gt; e.Login, normalized: e =&gt; e.LoginUpper)
///     .Map("name.givenName", e =&gt; e.FirstName)
///     .Map("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", e =&gt; e.Department)
///     .MapCollection("emails", e =&gt; e.Emails, email =&gt; email
///         .Map("value", m =&gt; m.Address, normalized: m =&gt; m.AddressUpper)
///         .Map("type", m =&gt; m.Kind));
/// </code>
/// </example>
public sealed class ScimAttributeMap<TEntity> : ScimAttributeMap
{
    /// <inheritdoc />
    public override Type EntityType => typeof(TEntity);

    /// <summary>Maps a single-valued attribute (or a sub-attribute of a single-valued complex one, such as <c>name.givenName</c>) to a member.</summary>
    /// <typeparam name="TValue">The member type: <see cref="string"/>, <see cref="bool"/>, a number or <see cref="DateTime"/>/<see cref="DateTimeOffset"/> (nullable or not).</typeparam>
    /// <param name="path">The SCIM attribute path: <c>userName</c>, <c>name.givenName</c>, <c>meta.created</c>, or a URN-qualified extension attribute.</param>
    /// <param name="member">The member holding the value, e.g. <c>u =&gt; u.UserName</c>.</param>
    /// <param name="normalized">
    /// For a case-insensitive string attribute, a member holding <see cref="ScimAttributeMap.Normalize"/> of the value; the
    /// translator then compares it with <c>=</c>/<c>LIKE</c> in SQL, which an index can serve. Without it, a
    /// case-insensitive comparison uses SQL <c>upper()</c> on the value.
    /// </param>
    /// <returns>This map.</returns>
    public ScimAttributeMap<TEntity> Map<TValue>(string path, Expression<Func<TEntity, TValue>> member, Expression<Func<TEntity, TValue>>? normalized = null)
    {
        ArgumentNullException.ThrowIfNull(member);
        Add(path, new MemberEntry(member, normalized));
        return this;
    }

    /// <summary>
    /// Maps a multi-valued complex attribute (<c>emails</c>, <c>phoneNumbers</c>, <c>members</c>) to a collection
    /// navigation of child entities; <paramref name="elements"/> maps its sub-attributes onto the child entity.
    /// Filters on it become <c>EXISTS</c> sub-queries; a value filter (<c>emails[type eq "work" and value co "@x"]</c>)
    /// tests one and the same element.
    /// </summary>
    /// <typeparam name="TElement">The child entity.</typeparam>
    /// <param name="path">The attribute, e.g. <c>emails</c>.</param>
    /// <param name="collection">The collection navigation, e.g. <c>u =&gt; u.Emails</c>.</param>
    /// <param name="elements">Maps sub-attribute names (<c>value</c>, <c>type</c>, <c>primary</c>) to the child's members.</param>
    /// <returns>This map.</returns>
    public ScimAttributeMap<TEntity> MapCollection<TElement>(string path, Expression<Func<TEntity, IEnumerable<TElement>>> collection, Action<ScimAttributeMap<TElement>> elements)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(elements);
        var elementMap = new ScimAttributeMap<TElement>();
        elements(elementMap);
        Add(path, new CollectionEntry(collection, typeof(TElement), elementMap));
        return this;
    }

    /// <summary>
    /// Attributes not mapped to members are read from this JSON document (the full SCIM document, attribute names as
    /// the schema spells them, extension attributes under their schema URN) through <paramref name="json"/>, the
    /// query provider's JSON functions: filters and sorting on them still run in the database. With EF Core, a
    /// context whose model registers the package's JSON functions (as <c>ScimDbContext</c> does) provides them.
    /// </summary>
    /// <param name="document">The member holding the document as JSON text, e.g. <c>u =&gt; u.Document</c>.</param>
    /// <param name="json">How the query provider reads JSON values (see <see cref="IScimJsonAccess"/>).</param>
    /// <returns>This map.</returns>
    public ScimAttributeMap<TEntity> MapDocument(Expression<Func<TEntity, string?>> document, IScimJsonAccess json)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(json);
        Document = document;
        Json = json;
        return this;
    }
}

/// <summary>A mapped attribute.</summary>
internal abstract record MapEntry;

/// <summary>
/// A multi-valued attribute kept as slots on the entity itself: one element per discriminator value (<c>type</c>
/// <c>work</c>, <c>home</c>), each with its sub-attributes on members. An element exists when its
/// <see cref="Slot.Present"/> member has a value.
/// </summary>
internal sealed record SlotsEntry(List<Slot> Slots) : MapEntry;

/// <summary>One slot: the discriminator sub-attribute and its constant, and the element map (the discriminator maps to the constant).</summary>
internal sealed class Slot(string key, string value, SlotElementMap elements)
{
    public string Key { get; } = key;

    public string Value { get; } = value;

    public SlotElementMap Elements { get; } = elements;

    /// <summary>The member whose value makes the element exist (the first mapped sub-attribute, normally <c>value</c>).</summary>
    public MemberEntry? Present { get; set; }
}

/// <summary>The element map of one slot: sub-attribute name → a member of the root entity (or the constant discriminator).</summary>
internal sealed class SlotElementMap(Type entityType) : ScimAttributeMap
{
    public override Type EntityType => entityType;

    public new void AddEntry(string name, MapEntry entry) => base.AddEntry(name, entry);
}

/// <summary>A slot path, <c>attribute[key eq "value"].subAttribute</c>, e.g. <c>emails[type eq "work"].value</c>.</summary>
internal sealed record ScimSlotPath(string Attribute, string Key, string Value, string SubAttribute)
{
    private static readonly System.Text.RegularExpressions.Regex Pattern = new(
        "^(?<attr>[^\\[\\]\\s]+)\\[\\s*(?<key>[A-Za-z][A-Za-z0-9_$-]*)\\s+eq\\s+\"(?<value>[^\"\\\\]*)\"\\s*\\]\\.(?<sub>[A-Za-z][A-Za-z0-9_$-]*)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    public static bool TryParse(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScimSlotPath? slot)
    {
        var match = Pattern.Match(path);
        slot = match.Success && AttributePath.TryParse(match.Groups["attr"].Value, out var attribute, out _) && attribute.SubAttribute is null
            ? new ScimSlotPath(match.Groups["attr"].Value, match.Groups["key"].Value, match.Groups["value"].Value, match.Groups["sub"].Value)
            : null;
        return slot is not null;
    }

    public override string ToString() => Attribute + "[" + Key + " eq \"" + Value + "\"]." + SubAttribute;
}

/// <summary>A single value on a member, with an optional normalised (upper-case) twin.</summary>
internal sealed record MemberEntry(LambdaExpression Member, LambdaExpression? Normalized) : MapEntry;

/// <summary>A multi-valued complex attribute on a collection of child entities.</summary>
internal sealed record CollectionEntry(LambdaExpression Collection, Type ElementType, ScimAttributeMap Elements) : MapEntry;
