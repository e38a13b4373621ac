using System.Linq.Expressions;
using System.Reflection;
using Jostle.Scim.Filtering.Linq;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// <see cref="IScimJsonAccess"/> on EF Core: calls to <see cref="ScimJsonFunctions"/>, which the <see cref="ScimDbContext"/>
/// model maps to the provider's JSON functions. A context that runs these expressions must register them
/// (<see cref="ScimJsonFunctions.Register"/>).
/// </summary>
internal sealed class EfJsonAccess : IScimJsonAccess
{
    public static EfJsonAccess Instance { get; } = new();

    private static readonly MethodInfo TextMethod = ScimJsonFunctions.Method(nameof(ScimJsonFunctions.Text));
    private static readonly MethodInfo NumberMethod = ScimJsonFunctions.Method(nameof(ScimJsonFunctions.Number));
    private static readonly MethodInfo BooleanMethod = ScimJsonFunctions.Method(nameof(ScimJsonFunctions.Boolean));
    private static readonly MethodInfo DateTimeMethod = ScimJsonFunctions.Method(nameof(ScimJsonFunctions.DateTime));
    private static readonly MethodInfo ArrayMethod = ScimJsonFunctions.Method(nameof(ScimJsonFunctions.Array));
    private static readonly MethodInfo ElementMethod = ScimJsonFunctions.Method(nameof(ScimJsonFunctions.Element));
    private static readonly MethodInfo ElementsMethod = ScimJsonFunctions.Method(nameof(ScimJsonFunctions.Elements));
    private static readonly PropertyInfo ValueProperty = typeof(ScimJsonElement).GetProperty(nameof(ScimJsonElement.Value))!;

    public Expression Text(Expression json, IReadOnlyList<ScimJsonPathStep> path) => Call(TextMethod, json, path);

    public Expression Number(Expression json, IReadOnlyList<ScimJsonPathStep> path) => Call(NumberMethod, json, path);

    public Expression Boolean(Expression json, IReadOnlyList<ScimJsonPathStep> path) => Call(BooleanMethod, json, path);

    public Expression DateTime(Expression json, IReadOnlyList<ScimJsonPathStep> path) => Call(DateTimeMethod, json, path);

    public Expression AnyElement(Expression json, IReadOnlyList<ScimJsonPathStep> path, Func<Expression, Expression> predicate)
    {
        var (elements, row, element) = Elements(json, path);
        return Expression.Call(typeof(Queryable), nameof(Queryable.Any), [typeof(ScimJsonElement)], elements,
            Expression.Quote(Expression.Lambda(predicate(element), row)));
    }

    public Expression FirstElementValue(Expression json, IReadOnlyList<ScimJsonPathStep> path, Func<Expression, Expression> predicate, Func<Expression, Expression> selector)
    {
        var (elements, row, element) = Elements(json, path);
        var filtered = Expression.Call(typeof(Queryable), nameof(Queryable.Where), [typeof(ScimJsonElement)], elements,
            Expression.Quote(Expression.Lambda(predicate(element), row)));
        var value = selector(element);
        var selected = Expression.Call(typeof(Queryable), nameof(Queryable.Select), [typeof(ScimJsonElement), value.Type], filtered,
            Expression.Quote(Expression.Lambda(value, row)));
        return Expression.Call(typeof(Queryable), nameof(Queryable.FirstOrDefault), [value.Type], selected);
    }

    private static (Expression Elements, ParameterExpression Row, Expression Element) Elements(Expression json, IReadOnlyList<ScimJsonPathStep> path)
    {
        var elements = Expression.Call(ElementsMethod, Call(ArrayMethod, json, path));
        var row = Expression.Parameter(typeof(ScimJsonElement), "j");
        var element = Expression.Call(ElementMethod, Expression.Property(row, ValueProperty));
        return (elements, row, element);
    }

    private static MethodCallExpression Call(MethodInfo method, Expression json, IReadOnlyList<ScimJsonPathStep> path) =>
        Expression.Call(method, json, Expression.Constant(ScimJsonFunctions.EncodePath(path)));
}
