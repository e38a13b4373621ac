using System.Linq.Expressions;
using Jostle.Scim.Filtering.Binding;
using Jostle.Scim.Schema;
using static Jostle.Scim.Filtering.Linq.LinqComparisons;

namespace Jostle.Scim.Filtering.Linq;

/// <summary>
/// The LINQ lowering: turns a bound filter into a predicate body over an entity, through a
/// <see cref="ScimAttributeMap"/>. Each bound path becomes a <see cref="Target"/> (a member, a member of a collection's
/// elements, or a place in the JSON document); each comparison becomes <see cref="LinqComparisons.Compare"/> on it.
/// The only errors raised here are the map's: a path nothing maps is a 400 naming it.
/// </summary>
internal sealed class LinqLowering(ResourceTypeDefinition resourceType, ScimAttributeMap map, ParameterExpression root) : BoundFilterVisitor<Expression>
{
    private readonly Dictionary<string, MapEntry> entries = map.ResolveFor(resourceType);
    private Scope? scope;

    private Expression? Document => map.Document is { } document ? Rebind(document, root) : null;

    private IScimJsonAccess Json => map.Json ?? throw new InvalidOperationException("A map with a document must have its JSON access.");

    public static Expression Rebind(LambdaExpression lambda, Expression instance) =>
        new ParameterReplacer(lambda.Parameters[0], instance).Visit(lambda.Body);

    public static ScimException Unmapped(string path) => InvalidFilter($"The attribute '{path}' cannot be filtered by this store.");

    protected override Expression VisitComparison(BoundComparison node) =>
        Build(Resolve(node.Path), (member, normalized, display) => Compare(member, normalized, display, node));

    protected override Expression VisitPresent(BoundPresent node) => Build(Resolve(node.Path), Present);

    protected override Expression VisitLogical(BoundLogical node) => node.Operands
        .Select(Visit)
        .Aggregate((left, right) => node.Operator == LogicalOperator.And ? Expression.AndAlso(left, right) : Expression.OrElse(left, right));

    protected override Expression VisitNot(BoundNot node) => Expression.Not(Visit(node.Operand));

    protected override Expression VisitValuePath(BoundValuePath node)
    {
        var schema = node.Path.Schema!;
        var attribute = node.Path.Attribute;
        var display = node.Path.DisplayPath;
        if (!attribute.MultiValued)
        {
            return Within(new Scope(attribute, display, schema.Id, null, root, Document, JsonPathOf(schema, attribute)), node.Filter);
        }

        var entry = entries.GetValueOrDefault(ScimAttributeMap.CanonicalKey(schema.Id, attribute.Name, null));
        if (entry is SlotsEntry slots)
        {
            return SlotsValuePath(slots, node, schema, attribute, display);
        }

        var collection = entry as CollectionEntry;
        if (collection is not null && (Document is null || Covers(collection, node.Filter)))
        {
            var element = Expression.Parameter(collection.ElementType, "x");
            var inner = Within(new Scope(attribute, display, schema.Id, collection.Elements, element), node.Filter);
            return Any(collection, root, Expression.Lambda(inner, element));
        }

        if (Document is not { } document)
        {
            throw Unmapped(display);
        }

        return Json.AnyElement(document, JsonPathOf(schema, attribute), element =>
            Within(new Scope(attribute, display, schema.Id, null, element, element, []), node.Filter));
    }

    /// <summary>
    /// A value filter on a slotted attribute: some slot that has a value and whose element map covers the filter
    /// satisfies it; with a document, so may an element of the document's array whose discriminator is no slot's.
    /// </summary>
    private Expression SlotsValuePath(SlotsEntry slots, BoundValuePath node, SchemaDefinition schema, AttributeDefinition attribute, string display)
    {
        var tests = new List<Expression>();
        foreach (var slot in slots.Slots.Where(s => s.Present is not null && CoversSlot(s, node.Filter)))
        {
            var inner = Within(new Scope(attribute, display, schema.Id, slot.Elements, root), node.Filter);
            tests.Add(Expression.AndAlso(SlotPresent(slot), inner));
        }

        if (Document is { } document)
        {
            tests.Add(Json.AnyElement(document, JsonPathOf(schema, attribute), element =>
                Expression.AndAlso(NotASlot(slots, element), Within(new Scope(attribute, display, schema.Id, null, element, element, []), node.Filter))));
        }

        return tests.Count > 0 ? tests.Aggregate(Expression.OrElse) : Expression.Constant(false);
    }

    /// <summary>Whether a slot's element exists: its first mapped member has a value.</summary>
    private Expression SlotPresent(Slot slot) => Present(Rebind(slot.Present!.Member, root), null, "");

    /// <summary>A document element that is not one of the slots (its discriminator is none of theirs): slotted elements live in their members.</summary>
    private Expression NotASlot(SlotsEntry slots, Expression element)
    {
        var keys = slots.Slots.Select(s => s.Key).Distinct(StringComparer.OrdinalIgnoreCase);
        Expression result = Expression.Constant(true);
        foreach (var key in keys)
        {
            var value = Json.Text(element, [key]);
            foreach (var slot in slots.Slots.Where(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)))
            {
                var differs = Expression.OrElse(
                    Expression.Equal(value, Expression.Constant(null, typeof(string))),
                    Expression.NotEqual(Upper(value), Expression.Constant(slot.Value.ToUpperInvariant())));
                result = Expression.AndAlso(result, differs);
            }
        }

        return result;
    }

    private static bool CoversSlot(Slot slot, BoundFilter filter) => filter switch
    {
        BoundComparison comparison => comparison.Path.SubAttribute is not { } sub || slot.Elements.FindElement(sub.Name) is MemberEntry,
        BoundPresent present => present.Path.SubAttribute is not { } sub || slot.Elements.FindElement(sub.Name) is MemberEntry,
        BoundLogical logical => logical.Operands.All(operand => CoversSlot(slot, operand)),
        BoundNot not => CoversSlot(slot, not.Operand),
        _ => true,
    };

    /// <summary>
    /// The sort key of a bound <c>sortBy</c> path: the member or JSON value; for a multi-valued attribute, the value of
    /// its primary element, else of its first.
    /// </summary>
    public Expression SortKey(BoundPath path, string written)
    {
        var target = ResolveTopLevel(path);
        var attribute = target.Attribute;
        var folded = attribute.Type is AttributeType.String or AttributeType.Reference or AttributeType.Binary && !attribute.CaseExact;
        if (target.Json is { } place)
        {
            Expression Key(Expression document, IReadOnlyList<ScimJsonPathStep> at)
            {
                var value = JsonValue(document, at, attribute);
                return folded ? Upper(value) : value;
            }

            if (place.ElementPath is null)
            {
                return Key(place.Document, place.Path);
            }

            var first = Key(place.Document, [.. place.Path, ScimJsonPathStep.At(0), .. place.ElementPath]);
            if (path.Attribute.FindSubAttribute("primary") is not { Type: AttributeType.Boolean })
            {
                return first;
            }

            var primary = Json.FirstElementValue(place.Document, place.Path,
                element => Expression.Equal(Json.Boolean(element, ["primary"]), Expression.Constant(true, typeof(bool?))),
                element => Key(element, place.ElementPath));
            return Expression.Coalesce(primary, first);
        }

        if (target.Slots is { } slotted)
        {
            var sub = path.SubAttribute?.Name ?? "value";
            var keys = slotted.Slots
                .Where(s => s.Elements.FindElement(sub) is MemberEntry)
                .Select(s => SlotValue(s, (MemberEntry)s.Elements.FindElement(sub)!, folded))
                .ToList();
            return keys.Count > 0 ? keys.Aggregate(Expression.Coalesce) : throw InvalidFilter($"The attribute '{written}' cannot be used to sort by this store.");
        }

        if (target.Member is null)
        {
            throw InvalidFilter($"The attribute '{written}' cannot be used to sort by this store.");
        }

        if (target.Collection is { } collection)
        {
            return CollectionSortKey(path.Attribute, collection, target.Member, folded);
        }

        var key = Rebind(target.Member.Member, root);
        if (folded && key.Type == typeof(string))
        {
            return target.Member.Normalized is { } normalized ? Rebind(normalized, root) : Upper(key);
        }

        return key;
    }

    /// <summary>A slot's sub-attribute value as a nullable sort key (<see langword="null"/> when the slot is empty).</summary>
    private Expression SlotValue(Slot slot, MemberEntry member, bool folded)
    {
        Expression value = member.Normalized is { } normalized && folded ? Rebind(normalized, root)
            : folded && member.Member.ReturnType == typeof(string) ? Upper(Rebind(member.Member, root))
            : Rebind(member.Member, root);
        if (!CanBeNull(value.Type))
        {
            value = Expression.Convert(value, typeof(Nullable<>).MakeGenericType(value.Type));
        }

        return Expression.Condition(SlotPresent(slot), value, Expression.Constant(null, value.Type));
    }

    private Expression CollectionSortKey(AttributeDefinition parent, CollectionEntry collection, MemberEntry member, bool folded)
    {
        var element = Expression.Parameter(collection.ElementType, "x");
        Expression value = member.Normalized is { } normalized && folded ? Rebind(normalized, element)
            : folded && member.Member.ReturnType == typeof(string) ? Upper(Rebind(member.Member, element))
            : Rebind(member.Member, element);
        if (!CanBeNull(value.Type))
        {
            value = Expression.Convert(value, typeof(Nullable<>).MakeGenericType(value.Type));
        }

        var source = Rebind(collection.Collection, root);
        var selector = Expression.Lambda(value, element);
        Expression FirstOf(Expression elements) => Expression.Call(typeof(Enumerable), nameof(Enumerable.FirstOrDefault), [value.Type],
            Expression.Call(typeof(Enumerable), nameof(Enumerable.Select), [collection.ElementType, value.Type], elements, selector));

        var first = FirstOf(source);
        if (parent.FindSubAttribute("primary") is not { } primarySub || collection.Elements.FindElement(primarySub.Name) is not MemberEntry primary
            || (Nullable.GetUnderlyingType(primary.Member.ReturnType) ?? primary.Member.ReturnType) != typeof(bool))
        {
            return first;
        }

        var isPrimary = Expression.Equal(Expression.Convert(Rebind(primary.Member, element), typeof(bool?)), Expression.Constant(true, typeof(bool?)));
        var primaries = Expression.Call(typeof(Enumerable), nameof(Enumerable.Where), [collection.ElementType], source, Expression.Lambda(isPrimary, element));
        return Expression.Coalesce(FirstOf(primaries), first);
    }

    private Expression Within(Scope inner, BoundFilter filter)
    {
        var outer = scope;
        scope = inner;
        try
        {
            return Visit(filter);
        }
        finally
        {
            scope = outer;
        }
    }

    /// <summary>Whether a collection's element map has every sub-attribute a value filter names.</summary>
    private static bool Covers(CollectionEntry collection, BoundFilter filter) => filter switch
    {
        BoundComparison comparison => Covers(collection, comparison.Path),
        BoundPresent present => Covers(collection, present.Path),
        BoundLogical logical => logical.Operands.All(operand => Covers(collection, operand)),
        BoundNot not => Covers(collection, not.Operand),
        _ => true,
    };

    private static bool Covers(CollectionEntry collection, BoundPath path) =>
        path.SubAttribute is not { } sub || collection.Elements.FindElement(sub.Name) is MemberEntry;

    private delegate Expression Test(Expression member, Expression? normalized, string display);

    private Expression Build(Target target, Test test)
    {
        if (target.Json is { } place)
        {
            return place.ElementPath is null
                ? JsonTest(place.Document, place.Path, target.Attribute, target.Display, test)
                : Json.AnyElement(place.Document, place.Path, element => JsonTest(element, place.ElementPath, target.Attribute, target.Display, test));
        }

        if (target.Slots is { } slots)
        {
            return SlotsTest(slots, target, test);
        }

        if (target.AnyOf is not null)
        {
            // `name pr`: any mapped sub-attribute present.
            return target.AnyOf
                .Select(entry => test(Rebind(entry.Member, target.Instance), null, target.Display))
                .Aggregate(Expression.OrElse);
        }

        if (target.Collection is not null)
        {
            if (target.Member is null)
            {
                return Any(target.Collection, target.Instance, null);
            }

            var element = Expression.Parameter(target.Collection.ElementType, "x");
            var inner = test(Rebind(target.Member.Member, element), target.Member.Normalized is null ? null : Rebind(target.Member.Normalized, element), target.Display);
            return Any(target.Collection, target.Instance, Expression.Lambda(inner, element));
        }

        var member = target.Member!;
        return test(Rebind(member.Member, target.Instance), member.Normalized is null ? null : Rebind(member.Normalized, target.Instance), target.Display);
    }

    /// <summary>
    /// A test of a slotted attribute (<c>emails pr</c>, <c>emails.value co "@x"</c>, <c>emails.type eq "work"</c>): an
    /// OR over the slots that have a value, each testing its member (or its constant discriminator); with a document,
    /// also the document's elements that are no slot's.
    /// </summary>
    private Expression SlotsTest(SlotsEntry slots, Target target, Test test)
    {
        var sub = target.SlotSubAttribute;
        var tests = new List<Expression>();
        foreach (var slot in slots.Slots.Where(s => s.Present is not null))
        {
            if (sub is null)
            {
                // The attribute itself: `emails pr`, or a comparison of the element's value.
                var member = slot.Elements.FindElement("value") as MemberEntry ?? slot.Present!;
                tests.Add(Expression.AndAlso(SlotPresent(slot), test(Rebind(member.Member, root), member.Normalized is null ? null : Rebind(member.Normalized, root), target.Display)));
            }
            else if (slot.Elements.FindElement(sub) is MemberEntry member)
            {
                tests.Add(Expression.AndAlso(SlotPresent(slot), test(Rebind(member.Member, root), member.Normalized is null ? null : Rebind(member.Normalized, root), target.Display)));
            }
        }

        if (target.SlotDocument is { } place)
        {
            tests.Add(Json.AnyElement(place.Document, place.Path, element => Expression.AndAlso(
                NotASlot(slots, element),
                place.ElementPath is { Count: > 0 } at ? JsonTest(element, at, target.Attribute, target.Display, test) : JsonTest(element, [], target.Attribute, target.Display, test))));
        }

        if (tests.Count == 0)
        {
            throw Unmapped(target.Display);
        }

        return tests.Aggregate(Expression.OrElse);
    }

    /// <summary>A test of the value at a JSON path; a complex value (only ever tested for presence) is present when one of its sub-attributes is.</summary>
    private Expression JsonTest(Expression document, IReadOnlyList<ScimJsonPathStep> path, AttributeDefinition attribute, string display, Test test)
    {
        if (attribute.Type != AttributeType.Complex)
        {
            return test(JsonValue(document, path, attribute), null, display);
        }

        return attribute.SubAttributes
            .Where(sub => sub.Type != AttributeType.Complex)
            .Select(sub => test(JsonValue(document, [.. path, sub.Name], sub), null, display + "." + sub.Name))
            .Aggregate(Expression.OrElse);
    }

    /// <summary>The typed reader of a scalar attribute at a JSON path.</summary>
    private Expression JsonValue(Expression document, IReadOnlyList<ScimJsonPathStep> path, AttributeDefinition attribute) => attribute.Type switch
    {
        AttributeType.Boolean => Json.Boolean(document, path),
        AttributeType.Integer or AttributeType.Decimal => Json.Number(document, path),
        AttributeType.DateTime => Json.DateTime(document, path),
        _ => Json.Text(document, path),
    };

    private static Expression Any(CollectionEntry collection, Expression instance, LambdaExpression? predicate)
    {
        var source = Rebind(collection.Collection, instance);
        return predicate is null
            ? Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [collection.ElementType], source)
            : Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [collection.ElementType], source, predicate);
    }

    /// <summary>Where an attribute sits in the JSON document: extension attributes under their schema URN.</summary>
    private List<ScimJsonPathStep> JsonPathOf(SchemaDefinition schema, AttributeDefinition attribute) =>
        ReferenceEquals(schema, resourceType.Schema) || resourceType.FindSchema(schema.Id) is null || IsCommon(attribute)
            ? [attribute.Name]
            : [schema.Id, attribute.Name];

    private static bool IsCommon(AttributeDefinition attribute) =>
        ReferenceEquals(attribute, CommonAttributes.Meta) || attribute.Name is "id" or "externalId" or "schemas";

    private Target Resolve(BoundPath path) => path.IsElementRelative ? ResolveInScope(path, scope!) : ResolveTopLevel(path);

    private Target ResolveInScope(BoundPath path, Scope inside)
    {
        var sub = path.SubAttribute!;
        var display = inside.Display + "." + sub.Name;
        if (inside.Elements is not null)
        {
            return inside.Elements.FindElement(sub.Name) is MemberEntry element ? new Target(sub, display, element, inside.Instance) : throw Unmapped(display);
        }

        if (inside.JsonPrefix is { Count: 0 } && inside.Json is { } elementJson)
        {
            return new Target(sub, display, null, inside.Instance, Json: new JsonPlace(elementJson, [sub.Name]));
        }

        if (entries.GetValueOrDefault(ScimAttributeMap.CanonicalKey(inside.SchemaId, inside.Complex.Name, sub.Name)) is MemberEntry member)
        {
            return new Target(sub, display, member, inside.Instance);
        }

        return inside.Json is { } document && inside.JsonPrefix is { } prefix
            ? new Target(sub, display, null, inside.Instance, Json: new JsonPlace(document, [.. prefix, sub.Name]))
            : throw Unmapped(display);
    }

    private Target ResolveTopLevel(BoundPath path)
    {
        var schema = path.Schema!;
        var attribute = path.Attribute;
        var sub = path.SubAttribute;
        var subDisplay = path.DisplayPath;
        var display = sub is null ? subDisplay : subDisplay[..subDisplay.LastIndexOf('.')];
        var document = Document;
        var jsonPath = JsonPathOf(schema, attribute);
        if (attribute.MultiValued)
        {
            if (entries.GetValueOrDefault(ScimAttributeMap.CanonicalKey(schema.Id, attribute.Name, null)) is SlotsEntry slots)
            {
                var elementAt = sub is null ? (IReadOnlyList<ScimJsonPathStep>)[] : [sub.Name];
                return new Target(sub ?? attribute, subDisplay, null, root, Slots: slots, SlotSubAttribute: sub?.Name,
                    SlotDocument: document is null ? null : new JsonPlace(document, jsonPath, elementAt));
            }

            var collection = entries.GetValueOrDefault(ScimAttributeMap.CanonicalKey(schema.Id, attribute.Name, null)) as CollectionEntry;
            if (collection is not null && sub is null)
            {
                return new Target(attribute, display, null, root, collection);
            }

            if (collection is not null && collection.Elements.FindElement(sub!.Name) is MemberEntry element)
            {
                return new Target(sub, subDisplay, element, root, collection);
            }

            if (document is null)
            {
                throw Unmapped(collection is null ? display : subDisplay);
            }

            var elementPath = sub is null ? (IReadOnlyList<ScimJsonPathStep>)[] : [sub.Name];
            return new Target(sub ?? attribute, subDisplay, null, root, Json: new JsonPlace(document, jsonPath, elementPath));
        }

        if (attribute.Type == AttributeType.Complex && sub is null)
        {
            if (document is not null)
            {
                return new Target(attribute, display, null, root, Json: new JsonPlace(document, jsonPath));
            }

            var prefix = ScimAttributeMap.CanonicalKey(schema.Id, attribute.Name, null) + ".";
            var parts = attribute.SubAttributes
                .Select(s => entries.GetValueOrDefault(prefix + s.Name.ToLowerInvariant()) as MemberEntry)
                .OfType<MemberEntry>()
                .ToList();
            return parts.Count > 0 ? new Target(attribute, display, null, root, AnyOf: parts) : throw Unmapped(display);
        }

        if (entries.GetValueOrDefault(ScimAttributeMap.CanonicalKey(schema.Id, attribute.Name, sub?.Name)) is MemberEntry member)
        {
            return new Target(sub ?? attribute, subDisplay, member, root);
        }

        return document is not null
            ? new Target(sub ?? attribute, subDisplay, null, root, Json: new JsonPlace(document, sub is null ? jsonPath : [.. jsonPath, sub.Name]))
            : throw Unmapped(subDisplay);
    }

    /// <summary>
    /// Where a filter's attribute is: a member on the root (or element) instance, possibly inside a collection; or,
    /// with <paramref name="Json"/>, a place in a JSON document.
    /// </summary>
    private sealed record Target(AttributeDefinition Attribute, string Display, MemberEntry? Member, Expression Instance, CollectionEntry? Collection = null, IReadOnlyList<MemberEntry>? AnyOf = null, JsonPlace? Json = null,
        SlotsEntry? Slots = null, string? SlotSubAttribute = null, JsonPlace? SlotDocument = null);

    /// <summary>
    /// A place in a JSON document: the value at <paramref name="Path"/> of <paramref name="Document"/>; or, with
    /// <paramref name="ElementPath"/>, the array at <paramref name="Path"/>, each element read at <paramref name="ElementPath"/>.
    /// </summary>
    private sealed record JsonPlace(Expression Document, IReadOnlyList<ScimJsonPathStep> Path, IReadOnlyList<ScimJsonPathStep>? ElementPath = null);

    /// <summary>
    /// The complex attribute a value filter's inner paths are relative to: elements of a mapped collection
    /// (<paramref name="Elements"/>), a JSON object (<paramref name="Json"/> at <paramref name="JsonPrefix"/>), or the
    /// root's mapped sub-attributes.
    /// </summary>
    private sealed record Scope(AttributeDefinition Complex, string Display, string SchemaId, ScimAttributeMap? Elements, Expression Instance, Expression? Json = null, IReadOnlyList<ScimJsonPathStep>? JsonPrefix = null);

    private sealed class ParameterReplacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : base.VisitParameter(node);
    }
}
