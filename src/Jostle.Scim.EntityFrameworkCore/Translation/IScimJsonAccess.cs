using System.Linq.Expressions;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// How the translator reads values out of a JSON document in a query, without knowing the database: each method
/// returns a LINQ expression that the query provider turns into the database's JSON functions. A path is a list of
/// property names and array indexes (<see cref="JsonPathStep"/>); an empty path is the JSON value itself.
/// </summary>
/// <remarks>
/// Every reader is typed and strict, as the in-memory evaluator is: <see cref="Text"/> is <see langword="null"/>
/// unless the value is a JSON string, <see cref="Number"/> unless it is a number, and so on, so a value of the wrong
/// JSON kind never matches.
/// </remarks>
internal interface IScimJsonAccess
{
    /// <summary>The string at <paramref name="path"/> (a <see cref="string"/> expression), compared ordinally.</summary>
    Expression Text(Expression json, IReadOnlyList<JsonPathStep> path);

    /// <summary>The number at <paramref name="path"/> (a <c>double?</c> expression).</summary>
    Expression Number(Expression json, IReadOnlyList<JsonPathStep> path);

    /// <summary>The boolean at <paramref name="path"/> (a <c>bool?</c> expression).</summary>
    Expression Boolean(Expression json, IReadOnlyList<JsonPathStep> path);

    /// <summary>The dateTime string at <paramref name="path"/> as seconds since 1970-01-01T00:00:00Z (a <c>double?</c> expression).</summary>
    Expression DateTime(Expression json, IReadOnlyList<JsonPathStep> path);

    /// <summary>
    /// Whether some element of the array at <paramref name="path"/> satisfies a predicate (an <c>EXISTS</c> in SQL);
    /// <paramref name="predicate"/> receives the element as a JSON expression for the other readers. False when the
    /// value is missing or not an array.
    /// </summary>
    Expression AnyElement(Expression json, IReadOnlyList<JsonPathStep> path, Func<Expression, Expression> predicate);

    /// <summary>
    /// The first value <paramref name="selector"/> gives for an element of the array at <paramref name="path"/> that
    /// satisfies <paramref name="predicate"/> (a scalar sub-query), or <see langword="null"/>.
    /// </summary>
    Expression FirstElementValue(Expression json, IReadOnlyList<JsonPathStep> path, Func<Expression, Expression> predicate, Func<Expression, Expression> selector);
}

/// <summary>One step of a JSON path: a property name, or an array index.</summary>
/// <param name="Name">The property name, or <see langword="null"/> for an index.</param>
/// <param name="Index">The array index when <paramref name="Name"/> is <see langword="null"/>.</param>
internal readonly record struct JsonPathStep(string? Name, int Index = 0)
{
    public static implicit operator JsonPathStep(string name) => new(name);

    public static JsonPathStep At(int index) => new(null, index);
}
