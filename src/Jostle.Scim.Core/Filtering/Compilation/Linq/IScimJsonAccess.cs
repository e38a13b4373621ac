using System.Linq.Expressions;

namespace Jostle.Scim.Filtering.Linq;

/// <summary>
/// How <see cref="ScimLinqTranslator"/> reads values out of a JSON document column in a query, without knowing the
/// database: each method returns a LINQ expression that the query provider turns into the database's JSON functions.
/// A path is a list of property names and array indexes (<see cref="ScimJsonPathStep"/>); an empty path is the JSON value
/// itself. The EF Core package implements it for SQLite and PostgreSQL; a host on another database or query provider
/// implements it and passes it to <see cref="ScimAttributeMap{TEntity}.MapDocument"/>.
/// </summary>
/// <remarks>
/// Every reader is typed and strict, as the in-memory evaluator is: <see cref="Text"/> is <see langword="null"/>
/// unless the value is a JSON string, <see cref="Number"/> unless it is a number, and so on, so a value of the wrong
/// JSON kind never matches.
/// </remarks>
public interface IScimJsonAccess
{
    /// <summary>The string at <paramref name="path"/>, compared ordinally.</summary>
    /// <param name="json">The JSON value (a document column, or an element given by <see cref="AnyElement"/>).</param>
    /// <param name="path">Where the value is inside <paramref name="json"/>.</param>
    /// <returns>A <see cref="string"/> expression.</returns>
    Expression Text(Expression json, IReadOnlyList<ScimJsonPathStep> path);

    /// <summary>The number at <paramref name="path"/>.</summary>
    /// <param name="json">The JSON value.</param>
    /// <param name="path">Where the value is inside <paramref name="json"/>.</param>
    /// <returns>A <c>double?</c> expression.</returns>
    Expression Number(Expression json, IReadOnlyList<ScimJsonPathStep> path);

    /// <summary>The boolean at <paramref name="path"/>.</summary>
    /// <param name="json">The JSON value.</param>
    /// <param name="path">Where the value is inside <paramref name="json"/>.</param>
    /// <returns>A <c>bool?</c> expression.</returns>
    Expression Boolean(Expression json, IReadOnlyList<ScimJsonPathStep> path);

    /// <summary>The dateTime string at <paramref name="path"/> as seconds since 1970-01-01T00:00:00Z.</summary>
    /// <param name="json">The JSON value.</param>
    /// <param name="path">Where the value is inside <paramref name="json"/>.</param>
    /// <returns>A <c>double?</c> expression.</returns>
    Expression DateTime(Expression json, IReadOnlyList<ScimJsonPathStep> path);

    /// <summary>
    /// Whether some element of the array at <paramref name="path"/> satisfies a predicate (an <c>EXISTS</c> in SQL);
    /// false when the value is missing or not an array.
    /// </summary>
    /// <param name="json">The JSON value.</param>
    /// <param name="path">Where the array is inside <paramref name="json"/>.</param>
    /// <param name="predicate">Builds the test of one element, given the element as a JSON expression for the other readers.</param>
    /// <returns>A <see cref="bool"/> expression.</returns>
    Expression AnyElement(Expression json, IReadOnlyList<ScimJsonPathStep> path, Func<Expression, Expression> predicate);

    /// <summary>
    /// The first value <paramref name="selector"/> gives for an element of the array at <paramref name="path"/> that
    /// satisfies <paramref name="predicate"/> (a scalar sub-query), or <see langword="null"/>.
    /// </summary>
    /// <param name="json">The JSON value.</param>
    /// <param name="path">Where the array is inside <paramref name="json"/>.</param>
    /// <param name="predicate">Builds the test of one element, given the element as a JSON expression.</param>
    /// <param name="selector">Builds the value read from the element, given the element as a JSON expression.</param>
    /// <returns>An expression of the selector's type.</returns>
    Expression FirstElementValue(Expression json, IReadOnlyList<ScimJsonPathStep> path, Func<Expression, Expression> predicate, Func<Expression, Expression> selector);
}

/// <summary>One step of a JSON path: a property name, or an array index.</summary>
/// <param name="Name">The property name, or <see langword="null"/> for an index.</param>
/// <param name="Index">The array index when <paramref name="Name"/> is <see langword="null"/>.</param>
public readonly record struct ScimJsonPathStep(string? Name, int Index = 0)
{
    /// <summary>A property-name step.</summary>
    /// <param name="name">The property name.</param>
    public static implicit operator ScimJsonPathStep(string name) => new(name);

    /// <summary>An array-index step.</summary>
    /// <param name="index">The index, from 0.</param>
    /// <returns>The step.</returns>
    public static ScimJsonPathStep At(int index) => new(null, index);
}
