using System.Linq.Expressions;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Schema;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// Entra's <c>userName eq "…"</c> (asked for every user of every cycle, and by Test Connection) as one EF Core
/// compiled query per model: <c>tenant = @tenant AND &lt;userName condition&gt; ORDER BY &lt;key&gt; LIMIT @count</c>, the
/// same SQL the general path sends for that filter, without building a LINQ tree and looking it up in EF's query
/// cache on every call.
/// </summary>
/// <remarks>
/// The userName condition is the one <see cref="ScimLinqTranslator"/> produces for the map (the normalised member,
/// <c>upper()</c>, or the member itself when the schema makes userName case-exact): it is translated once for a
/// probe value, and the probe's boxed value becomes the query's parameter. What the translator did to the probe value
/// (nothing, <see cref="ScimAttributeMap.Normalize"/>, or the ASCII upper-casing it pairs with SQL <c>upper()</c>) is
/// then done to each value. When the translation is anything else (no single string value, another folding, or an
/// error such as an unmapped userName), there is no lookup and the general path serves the filter.
/// </remarks>
internal sealed class UserNameLookup<TContext, TEntity>
    where TContext : DbContext
    where TEntity : class
{
    private const string Probe = "a\u00e91";

    private readonly PerModelQuery<Func<TContext, string, string, int, IAsyncEnumerable<TEntity>>> _query;
    private readonly Func<string, string> _fold;

    private UserNameLookup(PerModelQuery<Func<TContext, string, string, int, IAsyncEnumerable<TEntity>>> query, Func<string, string> fold)
    {
        _query = query;
        _fold = fold;
    }

    /// <summary>The lookup for a map, or <see langword="null"/> when the translation of <c>userName eq</c> is not one string comparison.</summary>
    public static UserNameLookup<TContext, TEntity>? Create(ResourceTypeDefinition resourceType, ScimAttributeMap<TEntity> filterMap, EntityMember? tenant, EntityMember orderKey)
    {
        Expression<Func<TEntity, bool>> predicate;
        try
        {
            predicate = ScimLinqTranslator.Translate(ScimFilter.Parse($"userName eq \"{Probe}\""), resourceType, filterMap);
        }
        catch (Exception e) when (e is ScimException or InvalidOperationException)
        {
            return null;
        }

        var finder = new BoxedStrings();
        finder.Visit(predicate.Body);
        if (finder.Found is not [var box])
        {
            return null;
        }

        var boxed = (string?)Expression.Lambda<Func<string?>>(box).Compile(preferInterpretation: true)();
        Func<string, string>? fold = boxed switch
        {
            Probe => static v => v,
            _ when boxed == ScimAttributeMap.Normalize(Probe) => static v => ScimAttributeMap.Normalize(v)!,
            _ when boxed == AsciiUpper(Probe) => AsciiUpper,
            _ => null,
        };
        if (fold is null)
        {
            return null;
        }

        var context = Expression.Parameter(typeof(TContext), "context");
        var tenantId = Expression.Parameter(typeof(string), "tenantId");
        var userName = Expression.Parameter(typeof(string), "userName");
        var count = Expression.Parameter(typeof(int), "count");
        Expression rows = Expression.Call(typeof(EntityFrameworkQueryableExtensions), nameof(EntityFrameworkQueryableExtensions.AsNoTracking), [typeof(TEntity)],
            Expression.Call(context, nameof(DbContext.Set), [typeof(TEntity)]));
        if (tenant is not null)
        {
            var equal = Expression.Equal(tenant.Lambda.Body, tenant.Type == typeof(string) ? tenantId : Expression.Convert(tenantId, tenant.Type));
            rows = Where(rows, Expression.Lambda<Func<TEntity, bool>>(equal, tenant.Lambda.Parameters));
        }

        var condition = new Replace(box, userName).Visit(predicate.Body)!;
        rows = Where(rows, Expression.Lambda<Func<TEntity, bool>>(condition, predicate.Parameters));
        rows = Expression.Call(typeof(Queryable), nameof(Queryable.OrderBy), [typeof(TEntity), orderKey.Type], rows, Expression.Quote(orderKey.Lambda));
        rows = Expression.Call(typeof(Queryable), nameof(Queryable.Take), [typeof(TEntity)], rows, count);
        var lambda = Expression.Lambda<Func<TContext, string, string, int, IQueryable<TEntity>>>(rows, context, tenantId, userName, count);
        return new UserNameLookup<TContext, TEntity>(new(() => EF.CompileAsyncQuery(lambda)), fold);
    }

    /// <summary>At most <paramref name="count"/> of the tenant's users with this userName, in key order, untracked.</summary>
    public async Task<List<TEntity>> FindAsync(TContext context, string tenantId, string userName, int count, CancellationToken cancellationToken)
    {
        var found = new List<TEntity>(1);
        await foreach (var row in _query.For(context)(context, tenantId, _fold(userName), count).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            found.Add(row);
        }

        return found;
    }

    private static Expression Where(Expression source, Expression<Func<TEntity, bool>> predicate) =>
        Expression.Call(typeof(Queryable), nameof(Queryable.Where), [typeof(TEntity)], source, Expression.Quote(predicate));

    /// <summary>The folding LinqComparisons pairs with SQL <c>upper()</c>: ASCII letters only.</summary>
    private static string AsciiUpper(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsAsciiLetterLower(source[i]) ? (char)(source[i] - 32) : source[i];
        }
    });

    /// <summary>The string values the translator boxed (a property of a constant: EF Core sends it as a parameter).</summary>
    private sealed class BoxedStrings : ExpressionVisitor
    {
        public List<MemberExpression> Found { get; } = [];

        protected override Expression VisitMember(MemberExpression node)
        {
            if (node is { Expression: ConstantExpression, Type: var type } && type == typeof(string))
            {
                Found.Add(node);
                return node;
            }

            return base.VisitMember(node);
        }
    }

    private sealed class Replace(Expression from, Expression to) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node) => node == from ? to : base.Visit(node);
    }
}
