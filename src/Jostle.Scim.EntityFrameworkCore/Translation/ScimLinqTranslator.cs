using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// Turns a SCIM filter AST into a LINQ predicate over an entity class, through a <see cref="ScimAttributeMap{TEntity}"/>,
/// so that EF Core runs the filter (and <see cref="ApplySort{TEntity}"/> the sort) in the database. Nothing is ever
/// evaluated in memory: a filter that names an attribute the map does not cover is a 400 <c>invalidFilter</c>
/// naming the attribute.
/// </summary>
/// <remarks>
/// Semantics follow the library's in-memory filter: <c>caseExact</c> decides string comparison (case-insensitive
/// attributes compare a normalised column, or SQL <c>upper()</c> when none is mapped); <c>ne</c> is the negation of
/// <c>eq</c> (a missing value matches); <c>attr eq null</c> means "not present"; a multi-valued attribute matches
/// when any element does (<c>EXISTS</c>); inside a value filter every condition tests the same element; a complex
/// attribute compared without a sub-attribute compares its <c>value</c>. Values become SQL parameters.
/// </remarks>
public static class ScimLinqTranslator
{
    /// <summary>Translates a filter into a predicate over <typeparamref name="TEntity"/>.</summary>
    /// <typeparam name="TEntity">The entity class.</typeparam>
    /// <param name="filter">The parsed filter.</param>
    /// <param name="resourceType">The resource type the filter's attribute paths are resolved in.</param>
    /// <param name="map">Where the attributes live on the entity.</param>
    /// <returns>The predicate, for <c>Queryable.Where</c>.</returns>
    /// <exception cref="ScimException">400 <c>invalidFilter</c>: an unknown or unmapped attribute, or an operator or value the attribute's type does not allow.</exception>
    public static Expression<Func<TEntity, bool>> Translate<TEntity>(FilterExpression filter, ResourceTypeDefinition resourceType, ScimAttributeMap<TEntity> map)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(map);
        var root = Expression.Parameter(typeof(TEntity), "e");
        var body = new Translator(resourceType, map, root, EfJsonAccess.Instance).Translate(filter, scope: null);
        return Expression.Lambda<Func<TEntity, bool>>(body, root);
    }

    /// <summary>
    /// Orders a query by a <c>sortBy</c> attribute in SQL: entities without a value come last when ascending and first
    /// when descending; case-insensitive strings sort by their normalised value; a multi-valued attribute sorts by its
    /// primary value, else its first (RFC 7644 §3.4.2.3); equal keys are ordered by the member mapped to <c>id</c>
    /// (when mapped), so that paging is stable.
    /// </summary>
    /// <typeparam name="TEntity">The entity class.</typeparam>
    /// <param name="source">The query.</param>
    /// <param name="sortBy">The attribute to sort by.</param>
    /// <param name="descending">Whether to sort in descending order.</param>
    /// <param name="resourceType">The resource type the path is resolved in.</param>
    /// <param name="map">Where the attributes live on the entity.</param>
    /// <returns>The ordered query; add <c>ThenBy</c> for a further tie-breaker.</returns>
    /// <exception cref="ScimException">400 <c>invalidFilter</c>: an unknown attribute, or one the map cannot sort by.</exception>
    public static IOrderedQueryable<TEntity> ApplySort<TEntity>(IQueryable<TEntity> source, AttributePath sortBy, bool descending, ResourceTypeDefinition resourceType, ScimAttributeMap<TEntity> map)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sortBy);
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(map);
        var entries = map.ResolveFor(resourceType);
        var root = Expression.Parameter(typeof(TEntity), "e");
        var key = new Translator(resourceType, map, root, EfJsonAccess.Instance).SortKey(sortBy);
        Expression missing = CanBeNull(key.Type) ? Expression.Equal(key, Expression.Constant(null, key.Type)) : Expression.Constant(false);
        var ordered = Order(source, Expression.Lambda(missing, root), descending ? nameof(Queryable.OrderByDescending) : nameof(Queryable.OrderBy));
        ordered = Order(ordered, Expression.Lambda(key, root), descending ? nameof(Queryable.ThenByDescending) : nameof(Queryable.ThenBy));
        if (entries.GetValueOrDefault(ScimAttributeMap.CanonicalKey(resourceType.Schema.Id, "id", null)) is MemberEntry id)
        {
            ordered = Order(ordered, Expression.Lambda(Rebind(id.Member, root), root), nameof(Queryable.ThenBy));
        }

        return ordered;
    }

    private static readonly MethodInfo ToUpperMethod = typeof(string).GetMethod(nameof(string.ToUpper), Type.EmptyTypes)!;
    private static readonly MethodInfo ContainsMethod = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StartsWithMethod = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly MethodInfo EndsWithMethod = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!;
    private static readonly MethodInfo SubstringMethod = typeof(string).GetMethod(nameof(string.Substring), [typeof(int), typeof(int)])!;
    private static readonly PropertyInfo LengthProperty = typeof(string).GetProperty(nameof(string.Length))!;
    private static readonly MethodInfo CompareMethod = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    private static IOrderedQueryable<TEntity> Order<TEntity>(IQueryable<TEntity> source, LambdaExpression key, string method) =>
        (IOrderedQueryable<TEntity>)source.Provider.CreateQuery<TEntity>(Expression.Call(
            typeof(Queryable), method, [typeof(TEntity), key.ReturnType], source.Expression, Expression.Quote(key)));

    private static bool IsStringType(AttributeType type) => type is AttributeType.String or AttributeType.Reference or AttributeType.Binary;

    private static bool CanBeNull(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    private static Expression Rebind(LambdaExpression lambda, Expression instance) =>
        new ParameterReplacer(lambda.Parameters[0], instance).Visit(lambda.Body);

    private static ScimException InvalidFilter(string detail) => new(400, ScimErrorType.InvalidFilter, detail);

    private static ScimException Unmapped(string path) => InvalidFilter($"The attribute '{path}' cannot be filtered by this store.");

    private static string ComplexMessage(AttributeDefinition attribute, string display)
    {
        var example = attribute.SubAttributes.Count > 0 ? $", e.g. '{display}.{attribute.SubAttributes[0].Name}'" : "";
        return $"Complex attribute '{display}' cannot be compared with a value; compare one of its sub-attributes{example}.";
    }

    /// <summary>A value becomes a member access on a constant box, which EF Core sends as a SQL parameter.</summary>
    private static Expression Parameter(object? value, Type type)
    {
        var box = Activator.CreateInstance(typeof(ValueBox<>).MakeGenericType(type), value)!;
        return Expression.Property(Expression.Constant(box), nameof(ValueBox<int>.Value));
    }

    private sealed class ValueBox<T>(T value)
    {
        public T Value { get; } = value;
    }

    private sealed class ParameterReplacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : base.VisitParameter(node);
    }

    /// <summary>
    /// Where a filter's attribute is: a member on the root (or element) instance, possibly inside a collection; or,
    /// with <paramref name="Json"/>, a place in a JSON document.
    /// </summary>
    private sealed record Target(AttributeDefinition Attribute, string Display, MemberEntry? Member, Expression Instance, CollectionEntry? Collection = null, IReadOnlyList<MemberEntry>? AnyOf = null, JsonPlace? Json = null);

    /// <summary>
    /// A place in a JSON document: the value at <paramref name="Path"/> of <paramref name="Document"/>; or, with
    /// <paramref name="ElementPath"/>, the array at <paramref name="Path"/>, each element read at <paramref name="ElementPath"/>.
    /// </summary>
    private sealed record JsonPlace(Expression Document, IReadOnlyList<JsonPathStep> Path, IReadOnlyList<JsonPathStep>? ElementPath = null);

    /// <summary>
    /// The complex attribute a value filter's inner paths are relative to: elements of a mapped collection
    /// (<paramref name="Elements"/>), a JSON object (<paramref name="Json"/> at <paramref name="JsonPrefix"/>), or the
    /// root's mapped sub-attributes.
    /// </summary>
    private sealed record Scope(AttributeDefinition Complex, string Display, string SchemaId, ScimAttributeMap? Elements, Expression Instance, Expression? Json = null, IReadOnlyList<JsonPathStep>? JsonPrefix = null);

    private sealed class Translator(ResourceTypeDefinition resourceType, ScimAttributeMap map, ParameterExpression root, IScimJsonAccess json)
    {
        private readonly Dictionary<string, MapEntry> entries = map.ResolveFor(resourceType);

        private Expression? Document => map.Document is { } document ? Rebind(document, root) : null;

        public Expression Translate(FilterExpression filter, Scope? scope) => filter switch
        {
            ComparisonExpression comparison => TranslateComparison(comparison, scope),
            PresentExpression present => Build(Resolve(present.Path, scope, forComparison: false), Present),
            LogicalExpression logical => logical.Operands
                .Select(operand => Translate(operand, scope))
                .Aggregate((left, right) => logical.Operator == LogicalOperator.And ? Expression.AndAlso(left, right) : Expression.OrElse(left, right)),
            NotExpression not => Expression.Not(Translate(not.Operand, scope)),
            ValuePathExpression valuePath => TranslateValuePath(valuePath, scope),
            _ => throw new InvalidOperationException($"Unknown filter node {filter.GetType().Name}."),
        };

        private Expression TranslateValuePath(ValuePathExpression valuePath, Scope? scope)
        {
            if (scope is not null)
            {
                throw InvalidFilter($"Value filters cannot be nested: '{valuePath.Path}[…]' is inside the value filter of '{scope.Display}'.");
            }

            var (schema, attribute) = ResolveAttribute(valuePath.Path);
            var display = valuePath.Path.ToString();
            if (attribute.Type != AttributeType.Complex)
            {
                throw InvalidFilter($"Attribute '{display}' is not complex, so it cannot have a value filter ('{display}[…]').");
            }

            if (!attribute.MultiValued)
            {
                return Translate(valuePath.Filter, new Scope(attribute, display, schema.Id, null, root, Document, JsonPathOf(schema, attribute)));
            }

            var collection = entries.GetValueOrDefault(ScimAttributeMap.CanonicalKey(schema.Id, attribute.Name, null)) as CollectionEntry;
            if (collection is not null && (Document is null || Covers(collection, attribute, valuePath.Filter)))
            {
                var element = Expression.Parameter(collection.ElementType, "x");
                var inner = Translate(valuePath.Filter, new Scope(attribute, display, schema.Id, collection.Elements, element));
                return Any(collection, root, Expression.Lambda(inner, element));
            }

            if (Document is not { } document)
            {
                throw Unmapped(display);
            }

            return json.AnyElement(document, JsonPathOf(schema, attribute), element =>
                Translate(valuePath.Filter, new Scope(attribute, display, schema.Id, null, element, element, [])));
        }

        /// <summary>Whether a collection's element map has every sub-attribute a value filter names (unknown names count as covered: they fail later, with their own message).</summary>
        private static bool Covers(CollectionEntry collection, AttributeDefinition attribute, FilterExpression filter) => filter switch
        {
            ComparisonExpression comparison => Covers(collection, attribute, comparison.Path),
            PresentExpression present => Covers(collection, attribute, present.Path),
            LogicalExpression logical => logical.Operands.All(operand => Covers(collection, attribute, operand)),
            NotExpression not => Covers(collection, attribute, not.Operand),
            _ => true,
        };

        private static bool Covers(CollectionEntry collection, AttributeDefinition attribute, AttributePath path) =>
            attribute.FindSubAttribute(path.Name) is not { } sub || collection.Elements.FindElement(sub.Name) is MemberEntry;

        private Expression TranslateComparison(ComparisonExpression comparison, Scope? scope)
        {
            var target = Resolve(comparison.Path, scope, forComparison: comparison.Value.Kind != FilterValueKind.Null);
            var op = comparison.Operator;
            var value = comparison.Value;
            if (value.Kind == FilterValueKind.Null)
            {
                return op switch
                {
                    ComparisonOperator.Equal => Expression.Not(Build(target, Present)),
                    ComparisonOperator.NotEqual => Build(target, Present),
                    _ => throw InvalidFilter($"Operator '{FilterExpression.Keyword(op)}' cannot compare attribute '{target.Display}' with null; only 'eq null' (not present) and 'ne null' (present) are allowed."),
                };
            }

            if (op == ComparisonOperator.NotEqual)
            {
                return Expression.Not(Build(target, (member, normalized, attribute, display) => Compare(member, normalized, attribute, display, ComparisonOperator.Equal, value)));
            }

            return Build(target, (member, normalized, attribute, display) => Compare(member, normalized, attribute, display, op, value));
        }

        private delegate Expression Test(Expression member, Expression? normalized, AttributeDefinition attribute, string display);

        private Expression Build(Target target, Test test)
        {
            if (target.Json is { } place)
            {
                return place.ElementPath is null
                    ? JsonTest(place.Document, place.Path, target.Attribute, target.Display, test)
                    : json.AnyElement(place.Document, place.Path, element => JsonTest(element, place.ElementPath, target.Attribute, target.Display, test));
            }

            if (target.AnyOf is not null)
            {
                // `name pr`: any mapped sub-attribute present.
                return target.AnyOf
                    .Select(entry => test(Rebind(entry.Member, target.Instance), null, target.Attribute, target.Display))
                    .Aggregate(Expression.OrElse);
            }

            if (target.Collection is not null)
            {
                if (target.Member is null)
                {
                    return Any(target.Collection, target.Instance, null);
                }

                var element = Expression.Parameter(target.Collection.ElementType, "x");
                var inner = test(Rebind(target.Member.Member, element), target.Member.Normalized is null ? null : Rebind(target.Member.Normalized, element), target.Attribute, target.Display);
                return Any(target.Collection, target.Instance, Expression.Lambda(inner, element));
            }

            var member = target.Member!;
            return test(Rebind(member.Member, target.Instance), member.Normalized is null ? null : Rebind(member.Normalized, target.Instance), target.Attribute, target.Display);
        }

        /// <summary>A test of the value at a JSON path; a complex value (only ever tested for presence) is present when one of its sub-attributes is.</summary>
        private Expression JsonTest(Expression document, IReadOnlyList<JsonPathStep> path, AttributeDefinition attribute, string display, Test test)
        {
            if (attribute.Type != AttributeType.Complex)
            {
                return test(JsonValue(document, path, attribute), null, attribute, display);
            }

            return attribute.SubAttributes
                .Where(sub => sub.Type != AttributeType.Complex)
                .Select(sub => test(JsonValue(document, [.. path, sub.Name], sub), null, sub, display + "." + sub.Name))
                .Aggregate(Expression.OrElse);
        }

        /// <summary>The typed reader of a scalar attribute at a JSON path.</summary>
        private Expression JsonValue(Expression document, IReadOnlyList<JsonPathStep> path, AttributeDefinition attribute) => attribute.Type switch
        {
            AttributeType.Boolean => json.Boolean(document, path),
            AttributeType.Integer or AttributeType.Decimal => json.Number(document, path),
            AttributeType.DateTime => json.DateTime(document, path),
            _ => json.Text(document, path),
        };

        private static Expression Any(CollectionEntry collection, Expression instance, LambdaExpression? predicate)
        {
            var source = Rebind(collection.Collection, instance);
            return predicate is null
                ? Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [collection.ElementType], source)
                : Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [collection.ElementType], source, predicate);
        }

        /// <summary>Where an attribute sits in the JSON document: extension attributes under their schema URN.</summary>
        private List<JsonPathStep> JsonPathOf(SchemaDefinition schema, AttributeDefinition attribute) =>
            ReferenceEquals(schema, resourceType.Schema) || resourceType.FindSchema(schema.Id) is null || IsCommon(attribute)
                ? [attribute.Name]
                : [schema.Id, attribute.Name];

        private static bool IsCommon(AttributeDefinition attribute) =>
            ReferenceEquals(attribute, CommonAttributes.Meta) || attribute.Name is "id" or "externalId" or "schemas";

        private Target Resolve(AttributePath path, Scope? scope, bool forComparison) =>
            scope is null ? ResolveTopLevel(path, forComparison) : ResolveInScope(path, scope, forComparison);

        private Target ResolveInScope(AttributePath path, Scope scope, bool forComparison)
        {
            var display = scope.Display + "." + path.Name;
            if (path.SchemaUri is not null)
            {
                throw InvalidFilter($"Inside the value filter of '{scope.Display}', '{path}' must name a sub-attribute of '{scope.Display}'.");
            }

            var sub = scope.Complex.FindSubAttribute(path.Name)
                ?? throw InvalidFilter($"Unknown attribute '{display}' in filter.");
            if (path.SubAttribute is not null)
            {
                throw InvalidFilter($"Attribute '{display}' has no sub-attributes, so '{display}.{path.SubAttribute}' is not valid.");
            }

            display = scope.Display + "." + sub.Name;
            if (forComparison && sub.Type == AttributeType.Complex)
            {
                throw InvalidFilter(ComplexMessage(sub, display));
            }

            if (scope.Elements is not null)
            {
                return scope.Elements.FindElement(sub.Name) is MemberEntry element ? new Target(sub, display, element, scope.Instance) : throw Unmapped(display);
            }

            if (scope.JsonPrefix is { Count: 0 } && scope.Json is { } elementJson)
            {
                return new Target(sub, display, null, scope.Instance, Json: new JsonPlace(elementJson, [sub.Name]));
            }

            if (entries.GetValueOrDefault(ScimAttributeMap.CanonicalKey(scope.SchemaId, scope.Complex.Name, sub.Name)) is MemberEntry member)
            {
                return new Target(sub, display, member, scope.Instance);
            }

            return scope.Json is { } document && scope.JsonPrefix is { } prefix
                ? new Target(sub, display, null, scope.Instance, Json: new JsonPlace(document, [.. prefix, sub.Name]))
                : throw Unmapped(display);
        }

        public Target ResolveTopLevel(AttributePath path, bool forComparison)
        {
            var (schema, attribute) = ResolveAttribute(path);
            var display = path.WithSubAttribute(null).ToString();
            AttributeDefinition? sub = null;
            if (path.SubAttribute is not null)
            {
                if (attribute.Type != AttributeType.Complex)
                {
                    throw InvalidFilter($"Attribute '{display}' has no sub-attributes, so '{path}' is not valid.");
                }

                sub = attribute.FindSubAttribute(path.SubAttribute)
                    ?? throw InvalidFilter($"Unknown attribute '{path}' in filter.");
                display = path.ToString();
            }
            else if (attribute.Type == AttributeType.Complex && forComparison)
            {
                sub = attribute.FindSubAttribute("value")
                    ?? throw InvalidFilter(ComplexMessage(attribute, display));
            }

            var subDisplay = sub is null ? display : path.WithSubAttribute(sub.Name).ToString();
            var document = Document;
            var jsonPath = JsonPathOf(schema, attribute);
            if (attribute.MultiValued)
            {
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
                    throw Unmapped(collection is null ? path.WithSubAttribute(null).ToString() : subDisplay);
                }

                var elementPath = sub is null ? (IReadOnlyList<JsonPathStep>)[] : [sub.Name];
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
        /// The sort key of a <c>sortBy</c> path: the member or JSON value; for a multi-valued attribute, the value of
        /// its primary element, else of its first.
        /// </summary>
        public Expression SortKey(AttributePath sortBy)
        {
            var target = ResolveTopLevel(sortBy, forComparison: true);
            var attribute = target.Attribute;
            var folded = IsStringType(attribute.Type) && !attribute.CaseExact;
            if (target.Json is { } place)
            {
                Expression Key(Expression document, IReadOnlyList<JsonPathStep> path)
                {
                    var value = JsonValue(document, path, attribute);
                    return folded ? Expression.Call(value, ToUpperMethod) : value;
                }

                if (place.ElementPath is null)
                {
                    return Key(place.Document, place.Path);
                }

                var first = Key(place.Document, [.. place.Path, JsonPathStep.At(0), .. place.ElementPath]);
                var (schema, parent) = ResolveAttribute(sortBy);
                if (parent.FindSubAttribute("primary") is not { Type: AttributeType.Boolean })
                {
                    return first;
                }

                var primary = json.FirstElementValue(place.Document, place.Path,
                    element => Expression.Equal(json.Boolean(element, ["primary"]), Expression.Constant(true, typeof(bool?))),
                    element => Key(element, place.ElementPath));
                return Expression.Coalesce(primary, first);
            }

            if (target.Member is null)
            {
                throw InvalidFilter($"The attribute '{sortBy}' cannot be used to sort by this store.");
            }

            if (target.Collection is { } collection)
            {
                return CollectionSortKey(sortBy, collection, target.Member, folded);
            }

            var value = Rebind(target.Member.Member, root);
            if (folded && value.Type == typeof(string))
            {
                return target.Member.Normalized is { } normalized ? Rebind(normalized, root) : Expression.Call(value, ToUpperMethod);
            }

            return value;
        }

        private Expression CollectionSortKey(AttributePath sortBy, CollectionEntry collection, MemberEntry member, bool folded)
        {
            var element = Expression.Parameter(collection.ElementType, "x");
            Expression value = member.Normalized is { } normalized && folded ? Rebind(normalized, element)
                : folded && member.Member.ReturnType == typeof(string) ? Expression.Call(Rebind(member.Member, element), ToUpperMethod)
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
            var (_, parent) = ResolveAttribute(sortBy);
            if (parent.FindSubAttribute("primary") is not { } primarySub || collection.Elements.FindElement(primarySub.Name) is not MemberEntry primary
                || (Nullable.GetUnderlyingType(primary.Member.ReturnType) ?? primary.Member.ReturnType) != typeof(bool))
            {
                return first;
            }

            var isPrimary = Expression.Equal(Expression.Convert(Rebind(primary.Member, element), typeof(bool?)), Expression.Constant(true, typeof(bool?)));
            var primaries = Expression.Call(typeof(Enumerable), nameof(Enumerable.Where), [collection.ElementType], source, Expression.Lambda(isPrimary, element));
            return Expression.Coalesce(FirstOf(primaries), first);
        }

        private (SchemaDefinition Schema, AttributeDefinition Attribute) ResolveAttribute(AttributePath path)
        {
            if (path.SchemaUri is not null && resourceType.FindSchema(path.SchemaUri) is null)
            {
                throw InvalidFilter($"Unknown schema '{path.SchemaUri}' in filter attribute '{path}'; resource type '{resourceType.Name}' has no such schema.");
            }

            if (!resourceType.TryResolve(path.SchemaUri, path.Name, out var schema, out var attribute))
            {
                if (path.SchemaUri is null && resourceType.Extensions.Count(extension => extension.Schema.FindAttribute(path.Name) is not null) > 1)
                {
                    throw InvalidFilter($"Attribute '{path.Name}' is defined by more than one schema extension; qualify it with the schema URN.");
                }

                throw InvalidFilter($"Unknown attribute '{path.WithSubAttribute(null)}' in filter.");
            }

            return (schema, attribute);
        }
    }

    private static Expression Present(Expression member, Expression? normalized, AttributeDefinition attribute, string display)
    {
        if (!CanBeNull(member.Type))
        {
            return Expression.Constant(true);
        }

        var notNull = Expression.NotEqual(member, Expression.Constant(null, member.Type));
        return member.Type == typeof(string)
            ? Expression.AndAlso(notNull, Expression.NotEqual(member, Expression.Constant("")))
            : notNull;
    }

    private static Expression Compare(Expression member, Expression? normalized, AttributeDefinition attribute, string display, ComparisonOperator op, FilterValue value)
    {
        var isSubstring = op is ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith;
        var isOrdering = op is ComparisonOperator.GreaterThan or ComparisonOperator.GreaterThanOrEqual or ComparisonOperator.LessThan or ComparisonOperator.LessThanOrEqual;
        switch (attribute.Type)
        {
            case AttributeType.String:
            case AttributeType.Reference:
            case AttributeType.Binary:
                if (isOrdering && attribute.Type == AttributeType.Binary)
                {
                    throw OperatorNotAllowed(op, attribute, display);
                }

                RequireKind(value, FilterValueKind.String, attribute, display, "a quoted string");
                return CompareString(member, normalized, attribute.CaseExact, op, value.Text!, display);

            case AttributeType.Boolean:
                if (op != ComparisonOperator.Equal)
                {
                    throw OperatorNotAllowed(op, attribute, display);
                }

                RequireKind(value, FilterValueKind.Boolean, attribute, display, "true or false");
                RequireMemberType(member, display, typeof(bool));
                return Expression.Equal(member, Expression.Convert(Parameter(value.BooleanValue, typeof(bool)), member.Type));

            case AttributeType.Integer:
            case AttributeType.Decimal:
                if (isSubstring)
                {
                    throw OperatorNotAllowed(op, attribute, display);
                }

                RequireKind(value, FilterValueKind.Number, attribute, display, "a number");
                return CompareNumber(member, op, value.Text!, display);

            case AttributeType.DateTime:
                if (isSubstring)
                {
                    throw OperatorNotAllowed(op, attribute, display);
                }

                RequireKind(value, FilterValueKind.String, attribute, display, "a quoted dateTime such as \"2011-05-13T04:42:34Z\"");
                if (!TryParseDateTime(value.Text!, out var when))
                {
                    throw InvalidFilter($"{value} is not a valid dateTime for attribute '{display}'; use the xsd:dateTime form, e.g. \"2011-05-13T04:42:34Z\".");
                }

                var underlying = Nullable.GetUnderlyingType(member.Type) ?? member.Type;
                object constant = underlying == typeof(DateTime) ? (object)when.UtcDateTime
                    : underlying == typeof(DateTimeOffset) ? (object)when
                    : underlying == typeof(double) ? UnixSeconds(when)
                    : throw new InvalidOperationException($"The member mapped to dateTime attribute '{display}' must be a DateTime or DateTimeOffset, not {member.Type.Name}.");
                return Relate(member, Expression.Convert(Parameter(constant, underlying), member.Type), op);

            default:
                throw InvalidFilter($"Complex attribute '{display}' cannot be compared with a value; compare one of its sub-attributes.");
        }
    }

    private static string AsciiUpper(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsAsciiLetterLower(source[i]) ? (char)(source[i] - 32) : source[i];
        }
    });

    /// <summary>The xsd:dateTime forms the in-memory filter accepts: "yyyy-mm-dd", optionally 'T' and a time; no offset means UTC.</summary>
    private static bool TryParseDateTime(string text, out DateTimeOffset when)
    {
        when = default;
        var shaped = text.Length >= 10 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[1]) && char.IsAsciiDigit(text[2])
            && char.IsAsciiDigit(text[3]) && text[4] == '-' && char.IsAsciiDigit(text[5]) && char.IsAsciiDigit(text[6])
            && text[7] == '-' && char.IsAsciiDigit(text[8]) && char.IsAsciiDigit(text[9]) && (text.Length == 10 || text[10] is 'T' or 't');
        return shaped && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out when);
    }

    /// <summary>
    /// Seconds since the Unix epoch, as the JSON dateTime reader returns them. Whole milliseconds are divided as
    /// SQLite's <c>unixepoch(…, 'subsec')</c> does, so that equal instants give the same double.
    /// </summary>
    private static double UnixSeconds(DateTimeOffset when)
    {
        var microseconds = (when.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return microseconds % 1000 == 0 ? (microseconds / 1000) / 1000.0 : microseconds / 1_000_000.0;
    }

    private static Expression CompareString(Expression member, Expression? normalized, bool caseExact, ComparisonOperator op, string text, string display)
    {
        RequireMemberType(member, display, typeof(string));
        Expression column = member;
        Expression parameter;
        if (caseExact)
        {
            parameter = Parameter(text, typeof(string));
        }
        else if (normalized is not null)
        {
            column = normalized;
            parameter = Parameter(ScimAttributeMap.Normalize(text), typeof(string));
        }
        else
        {
            // SQL upper() folds ASCII letters only (SQLite's always, PostgreSQL's in the "C" collation of the store's
            // columns and JSON values): fold the value the same way, so that "ingénieure" finds "Ingénieure".
            column = Expression.Call(member, ToUpperMethod);
            parameter = Parameter(AsciiUpper(text), typeof(string));
        }

        var notNull = Expression.NotEqual(column, Expression.Constant(null, typeof(string)));
        var comparison = op switch
        {
            ComparisonOperator.Equal => Expression.Equal(column, parameter),
            ComparisonOperator.Contains => Expression.AndAlso(notNull, Expression.Call(column, ContainsMethod, parameter)),
            ComparisonOperator.StartsWith => Expression.AndAlso(notNull, Expression.Call(column, StartsWithMethod, parameter)),
            ComparisonOperator.EndsWith => Expression.AndAlso(notNull, Expression.Call(column, EndsWithMethod, parameter)),
            _ => Expression.AndAlso(notNull, Relate(Expression.Call(CompareMethod, column, parameter), Expression.Constant(0), op)),
        };
        if (caseExact && op is ComparisonOperator.StartsWith or ComparisonOperator.EndsWith)
        {
            // SQL LIKE (what EF Core makes of StartsWith/EndsWith) ignores ASCII case on SQLite: keep it (an index can
            // serve a prefix) and also compare the affix itself, exactly.
            var length = Expression.Property(parameter, LengthProperty);
            var columnLength = Expression.Property(column, LengthProperty);
            var start = op == ComparisonOperator.StartsWith ? (Expression)Expression.Constant(0) : Expression.Subtract(columnLength, length);
            var affix = Expression.Equal(Expression.Call(column, SubstringMethod, start, length), parameter);
            comparison = Expression.AndAlso(comparison, Expression.AndAlso(Expression.GreaterThanOrEqual(columnLength, length), affix));
        }

        return comparison;
    }

    private static Expression CompareNumber(Expression member, ComparisonOperator op, string lexeme, string display)
    {
        var underlying = Nullable.GetUnderlyingType(member.Type) ?? member.Type;
        if (!decimal.TryParse(lexeme, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            throw InvalidFilter($"{lexeme} is out of range for attribute '{display}'.");
        }

        var integral = underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short);
        if (integral && number != decimal.Truncate(number))
        {
            // An integer column against a fraction: eq never matches; gt 1.5 is ge 2, lt 1.5 is le 1.
            switch (op)
            {
                case ComparisonOperator.Equal:
                    return Expression.Constant(false);
                case ComparisonOperator.GreaterThan or ComparisonOperator.GreaterThanOrEqual:
                    (op, number) = (ComparisonOperator.GreaterThanOrEqual, decimal.Ceiling(number));
                    break;
                default:
                    (op, number) = (ComparisonOperator.LessThanOrEqual, decimal.Floor(number));
                    break;
            }
        }

        object constant;
        try
        {
            constant = Convert.ChangeType(number, underlying, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is OverflowException or InvalidCastException)
        {
            throw InvalidFilter($"{lexeme} cannot be compared with attribute '{display}'.");
        }

        return Relate(member, Expression.Convert(Parameter(constant, underlying), member.Type), op);
    }

    private static Expression Relate(Expression left, Expression right, ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => Expression.Equal(left, right),
        ComparisonOperator.GreaterThan => Expression.GreaterThan(left, right),
        ComparisonOperator.GreaterThanOrEqual => Expression.GreaterThanOrEqual(left, right),
        ComparisonOperator.LessThan => Expression.LessThan(left, right),
        ComparisonOperator.LessThanOrEqual => Expression.LessThanOrEqual(left, right),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static void RequireMemberType(Expression member, string display, Type expected)
    {
        if ((Nullable.GetUnderlyingType(member.Type) ?? member.Type) != expected)
        {
            throw new InvalidOperationException($"The member mapped to attribute '{display}' is a {member.Type.Name}; it must be a {expected.Name}.");
        }
    }

    private static void RequireKind(FilterValue value, FilterValueKind kind, AttributeDefinition attribute, string display, string expected)
    {
        if (value.Kind != kind)
        {
            var given = value.Kind switch
            {
                FilterValueKind.String => "the string " + value,
                FilterValueKind.Number => "the number " + value,
                _ => "the boolean " + value,
            };
            throw InvalidFilter($"Cannot compare {TypeName(attribute.Type)} attribute '{display}' with {given}; use {expected}.");
        }
    }

    private static ScimException OperatorNotAllowed(ComparisonOperator op, AttributeDefinition attribute, string display) =>
        InvalidFilter($"Operator '{FilterExpression.Keyword(op)}' cannot be used with {TypeName(attribute.Type)} attribute '{display}'.");

    private static string TypeName(AttributeType type) => type == AttributeType.DateTime ? "dateTime" : type.ToString().ToLowerInvariant();
}
