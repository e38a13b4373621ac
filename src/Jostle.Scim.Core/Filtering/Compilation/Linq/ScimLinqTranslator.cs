using System.Linq.Expressions;
using Jostle.Scim.Filtering.Binding;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering.Linq;

/// <summary>
/// Turns a SCIM filter into a LINQ predicate over an entity class, through a <see cref="ScimAttributeMap{TEntity}"/>,
/// so that a query provider (EF Core, or any other) runs the filter (and <see cref="ApplySort{TEntity}"/> the sort) in
/// the database. Nothing is ever evaluated in memory: a filter that names an attribute the map does not cover is a
/// 400 <c>invalidFilter</c> naming the attribute. It needs only <c>System.Linq.Expressions</c>; the EF Core package
/// adds the JSON functions that <see cref="ScimAttributeMap{TEntity}.MapDocument"/> needs on SQLite and PostgreSQL.
/// </summary>
/// <remarks>
/// The filter is bound first, as every evaluator of the library binds it (same semantics, same error messages):
/// <c>caseExact</c> decides string comparison (case-insensitive attributes compare a normalised column, or SQL
/// <c>upper()</c> when none is mapped); <c>ne</c> is the negation of <c>eq</c> (a missing value matches);
/// <c>attr eq null</c> means "not present"; a multi-valued attribute matches when any element does (<c>EXISTS</c>);
/// inside a value filter every condition tests the same element; a complex attribute compared without a
/// sub-attribute compares its <c>value</c>. Values become SQL parameters.
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
        if (!FilterBinder.TryBind(filter, resourceType, out var bound, out var error))
        {
            throw LinqComparisons.InvalidFilter(error.Message);
        }

        var root = Expression.Parameter(typeof(TEntity), "e");
        var body = new LinqLowering(resourceType, map, root).Visit(bound);
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
        if (!FilterBinder.TryBindSortPath(sortBy, resourceType, out var path, out var error))
        {
            throw LinqComparisons.InvalidFilter(error.Message);
        }

        var entries = map.ResolveFor(resourceType);
        var root = Expression.Parameter(typeof(TEntity), "e");
        var key = new LinqLowering(resourceType, map, root).SortKey(path, sortBy.ToString());
        Expression missing = LinqComparisons.CanBeNull(key.Type) ? Expression.Equal(key, Expression.Constant(null, key.Type)) : Expression.Constant(false);
        var ordered = Order(source, Expression.Lambda(missing, root), descending ? nameof(Queryable.OrderByDescending) : nameof(Queryable.OrderBy));
        ordered = Order(ordered, Expression.Lambda(key, root), descending ? nameof(Queryable.ThenByDescending) : nameof(Queryable.ThenBy));
        if (entries.GetValueOrDefault(ScimAttributeMap.CanonicalKey(resourceType.Schema.Id, "id", null)) is MemberEntry id)
        {
            ordered = Order(ordered, Expression.Lambda(LinqLowering.Rebind(id.Member, root), root), nameof(Queryable.ThenBy));
        }

        return ordered;
    }

    private static IOrderedQueryable<TEntity> Order<TEntity>(IQueryable<TEntity> source, LambdaExpression key, string method) =>
        (IOrderedQueryable<TEntity>)source.Provider.CreateQuery<TEntity>(Expression.Call(
            typeof(Queryable), method, [typeof(TEntity), key.ReturnType], source.Expression, Expression.Quote(key)));
}
