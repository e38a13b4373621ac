using System.Linq.Expressions;
using System.Reflection;
using Jostle.Scim.Filtering.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.EntityFrameworkCore.Storage;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>One element of a JSON array, as <see cref="ScimJsonFunctions.Elements"/> returns it (SQLite <c>json_each</c>, PostgreSQL <c>jsonb_array_elements</c>).</summary>
internal sealed class ScimJsonElement
{
    /// <summary>The element (column <c>value</c>): JSON on PostgreSQL; on SQLite the SQL value, read through <see cref="ScimJsonFunctions.Element"/>.</summary>
    public string? Value { get; set; }
}

/// <summary>
/// The database functions behind <see cref="EfJsonAccess"/>: C# stubs that EF Core translates (never runs) into
/// SQLite's <c>json_type</c>/<c>json_extract</c>/<c>json_each</c> or PostgreSQL's <c>jsonb</c> functions. A path
/// argument is a constant made by <see cref="EncodePath"/>.
/// </summary>
internal static class ScimJsonFunctions
{
    private const char Separator = '\u001f';

    /// <summary>The string at a path, or null.</summary>
    public static string? Text(string? json, string path) => throw NotInMemory();

    /// <summary>The number at a path, or null.</summary>
    public static double? Number(string? json, string path) => throw NotInMemory();

    /// <summary>The boolean at a path, or null.</summary>
    public static bool? Boolean(string? json, string path) => throw NotInMemory();

    /// <summary>The dateTime string at a path as Unix seconds, or null.</summary>
    public static double? DateTime(string? json, string path) => throw NotInMemory();

    /// <summary>The array at a path (JSON), or null when it is missing or not an array.</summary>
    public static string? Array(string? json, string path) => throw NotInMemory();

    /// <summary>An element of <see cref="Elements"/> as JSON the other functions read.</summary>
    public static string? Element(string? value) => throw NotInMemory();

    /// <summary>The elements of an array (from <see cref="Array"/>); none for null.</summary>
    public static IQueryable<ScimJsonElement> Elements(string? array) => throw NotInMemory();

    private static NotSupportedException NotInMemory() => new("This method is translated to SQL by EF Core; it cannot run in memory.");

    /// <summary>Encodes a path as the constant argument of the scalar functions.</summary>
    public static string EncodePath(IReadOnlyList<ScimJsonPathStep> path) =>
        string.Join(Separator, path.Select(step => step.Name ?? "[" + step.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]"));

    private static ScimJsonPathStep[] DecodePath(SqlExpression argument)
    {
        if (argument is not SqlConstantExpression { Value: string text })
        {
            throw new InvalidOperationException("A JSON path must be a constant.");
        }

        return text.Length == 0 ? [] : [.. text.Split(Separator).Select(part => part.StartsWith('[')
            ? ScimJsonPathStep.At(int.Parse(part[1..^1], System.Globalization.CultureInfo.InvariantCulture))
            : new ScimJsonPathStep(part))];
    }

    /// <summary>Registers the functions with the provider's translations.</summary>
    public static void Register(ModelBuilder modelBuilder, bool postgres)
    {
        modelBuilder.Entity<ScimJsonElement>(e =>
        {
            e.HasNoKey().ToTable((string?)null);
            e.Property(x => x.Value).HasColumnName("value");
        });
        modelBuilder.HasDbFunction(Method(nameof(Elements))).HasName(postgres ? "jsonb_array_elements" : "json_each");
        SqlFunctions sql = postgres ? new PostgresFunctions() : new SqliteFunctions();
        modelBuilder.HasDbFunction(Method(nameof(Text))).HasTranslation(a => sql.Text(a[0], DecodePath(a[1])));
        modelBuilder.HasDbFunction(Method(nameof(Number))).HasTranslation(a => sql.Number(a[0], DecodePath(a[1])));
        modelBuilder.HasDbFunction(Method(nameof(Boolean))).HasTranslation(a => sql.Boolean(a[0], DecodePath(a[1])));
        modelBuilder.HasDbFunction(Method(nameof(DateTime))).HasTranslation(a => sql.DateTime(a[0], DecodePath(a[1])));
        modelBuilder.HasDbFunction(Method(nameof(Array))).HasTranslation(a => sql.Array(a[0], DecodePath(a[1])));
        modelBuilder.HasDbFunction(Method(nameof(Element))).HasTranslation(a => sql.Element(a[0]));
    }

    internal static MethodInfo Method(string name) => typeof(ScimJsonFunctions).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;

    /// <summary>Builds the SQL of each function on one provider.</summary>
    private abstract class SqlFunctions(string textType, string booleanType, string doubleType)
    {
        protected readonly RelationalTypeMapping TextMapping = new StringTypeMapping(textType, System.Data.DbType.String);
        protected readonly RelationalTypeMapping BooleanMapping = new BoolTypeMapping(booleanType);
        protected readonly RelationalTypeMapping DoubleMapping = new DoubleTypeMapping(doubleType);

        public abstract SqlExpression Text(SqlExpression json, ScimJsonPathStep[] path);

        public abstract SqlExpression Number(SqlExpression json, ScimJsonPathStep[] path);

        public abstract SqlExpression Boolean(SqlExpression json, ScimJsonPathStep[] path);

        public abstract SqlExpression DateTime(SqlExpression json, ScimJsonPathStep[] path);

        public abstract SqlExpression Array(SqlExpression json, ScimJsonPathStep[] path);

        public abstract SqlExpression Element(SqlExpression value);

        protected SqlExpression Literal(string text) => new SqlConstantExpression(text, typeof(string), TextMapping);

        protected SqlExpression Call(string name, Type type, RelationalTypeMapping mapping, params SqlExpression[] arguments) =>
            new SqlFunctionExpression(name, arguments, nullable: true, argumentsPropagateNullability: arguments.Select(_ => true), type, mapping);

        protected SqlExpression IsEqual(SqlExpression left, SqlExpression right) =>
            new SqlBinaryExpression(ExpressionType.Equal, left, right, typeof(bool), BooleanMapping);

        protected SqlExpression Or(SqlExpression left, SqlExpression right) =>
            new SqlBinaryExpression(ExpressionType.OrElse, left, right, typeof(bool), BooleanMapping);

        protected static SqlExpression When(SqlExpression test, SqlExpression result) =>
            new CaseExpression([new CaseWhenClause(test, result)], elseResult: null);
    }

    /// <summary>SQLite: <c>json_type</c> tells the JSON kind, <c>json_extract</c> reads it; elements are re-quoted with <c>json_quote</c>.</summary>
    private sealed class SqliteFunctions() : SqlFunctions("TEXT", "INTEGER", "REAL")
    {
        private SqlExpression Type(SqlExpression json, ScimJsonPathStep[] path) => Call("json_type", typeof(string), TextMapping, json, PathOf(path));

        private SqlExpression Extract(SqlExpression json, ScimJsonPathStep[] path, Type type, RelationalTypeMapping mapping) =>
            Call("json_extract", type, mapping, json, PathOf(path));

        private SqlExpression PathOf(ScimJsonPathStep[] path) =>
            Literal("$" + string.Concat(path.Select(step => step.Name is null
                ? "[" + step.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]"
                : ".\"" + step.Name + "\"")));

        public override SqlExpression Text(SqlExpression json, ScimJsonPathStep[] path) =>
            When(IsEqual(Type(json, path), Literal("text")), Extract(json, path, typeof(string), TextMapping));

        public override SqlExpression Number(SqlExpression json, ScimJsonPathStep[] path) =>
            When(
                Or(IsEqual(Type(json, path), Literal("integer")), IsEqual(Type(json, path), Literal("real"))),
                Extract(json, path, typeof(double), DoubleMapping));

        public override SqlExpression Boolean(SqlExpression json, ScimJsonPathStep[] path) =>
            new CaseExpression(
                [
                    new CaseWhenClause(IsEqual(Type(json, path), Literal("true")), new SqlConstantExpression(true, typeof(bool), BooleanMapping)),
                    new CaseWhenClause(IsEqual(Type(json, path), Literal("false")), new SqlConstantExpression(false, typeof(bool), BooleanMapping)),
                ],
                elseResult: null);

        public override SqlExpression DateTime(SqlExpression json, ScimJsonPathStep[] path) =>
            When(
                IsEqual(Type(json, path), Literal("text")),
                Call("unixepoch", typeof(double), DoubleMapping, Extract(json, path, typeof(string), TextMapping), Literal("subsec")));

        public override SqlExpression Array(SqlExpression json, ScimJsonPathStep[] path) =>
            When(IsEqual(Type(json, path), Literal("array")), Extract(json, path, typeof(string), TextMapping));

        // json_each gives an element's SQL value (objects and arrays as JSON text with the JSON subtype): json_quote
        // turns strings back into JSON strings and leaves JSON as it is.
        public override SqlExpression Element(SqlExpression value) => Call("json_quote", typeof(string), TextMapping, value);
    }

    /// <summary>PostgreSQL: the text is cast to <c>jsonb</c>; <c>jsonb_typeof</c> tells the kind; strings compare in the <c>"C"</c> collation.</summary>
    private sealed class PostgresFunctions() : SqlFunctions("text", "boolean", "double precision")
    {
        private readonly RelationalTypeMapping _jsonb = new StringTypeMapping("jsonb", System.Data.DbType.String);
        private readonly RelationalTypeMapping _timestamptz = new StringTypeMapping("timestamptz", System.Data.DbType.String);

        private SqlExpression Json(SqlExpression json) => new SqlUnaryExpression(ExpressionType.Convert, json, typeof(string), _jsonb);

        private SqlExpression[] Arguments(SqlExpression json, ScimJsonPathStep[] path) =>
            [Json(json), .. path.Select(step => Literal(step.Name ?? step.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)))];

        private SqlExpression Value(SqlExpression json, ScimJsonPathStep[] path) =>
            path.Length == 0 ? Json(json) : Call("jsonb_extract_path", typeof(string), _jsonb, Arguments(json, path));

        private SqlExpression Raw(SqlExpression json, ScimJsonPathStep[] path) =>
            path.Length == 0
                ? Call("jsonb_extract_path_text", typeof(string), TextMapping, Call("jsonb_build_array", typeof(string), _jsonb, Json(json)), Literal("0"))
                : Call("jsonb_extract_path_text", typeof(string), TextMapping, Arguments(json, path));

        private SqlExpression Is(SqlExpression json, ScimJsonPathStep[] path, string kind) =>
            IsEqual(Call("jsonb_typeof", typeof(string), TextMapping, Value(json, path)), Literal(kind));

        private SqlExpression Cast(SqlExpression value, Type type, RelationalTypeMapping mapping) =>
            new SqlUnaryExpression(ExpressionType.Convert, value, type, mapping);

        public override SqlExpression Text(SqlExpression json, ScimJsonPathStep[] path) =>
            new CollateExpression(When(Is(json, path, "string"), Raw(json, path)), ScimDbContext.PostgresCollation);

        public override SqlExpression Number(SqlExpression json, ScimJsonPathStep[] path) =>
            When(Is(json, path, "number"), Cast(Raw(json, path), typeof(double), DoubleMapping));

        public override SqlExpression Boolean(SqlExpression json, ScimJsonPathStep[] path) =>
            When(Is(json, path, "boolean"), Cast(Raw(json, path), typeof(bool), BooleanMapping));

        public override SqlExpression DateTime(SqlExpression json, ScimJsonPathStep[] path) =>
            When(Is(json, path, "string"), Call("date_part", typeof(double), DoubleMapping, Literal("epoch"), Cast(Raw(json, path), typeof(string), _timestamptz)));

        public override SqlExpression Array(SqlExpression json, ScimJsonPathStep[] path) =>
            When(Is(json, path, "array"), Value(json, path));

        public override SqlExpression Element(SqlExpression value) => value;
    }
}
