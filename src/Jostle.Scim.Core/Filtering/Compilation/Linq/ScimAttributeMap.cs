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
                var path = AttributePath.Parse(text);
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

/// <summary>A single value on a member, with an optional normalised (upper-case) twin.</summary>
internal sealed record MemberEntry(LambdaExpression Member, LambdaExpression? Normalized) : MapEntry;

/// <summary>A multi-valued complex attribute on a collection of child entities.</summary>
internal sealed record CollectionEntry(LambdaExpression Collection, Type ElementType, ScimAttributeMap Elements) : MapEntry;
