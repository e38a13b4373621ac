using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// The INSERT of one entity type, written from the EF Core model (table, columns, each column's type mapping and value
/// converter) so that it stores exactly what <c>SaveChanges</c> would, without the change tracker: the hot inserts of a
/// provisioning cycle (a user and its emails and phone numbers) run it inside SQLite's group commit. The store-generated
/// key comes back through <c>RETURNING</c>.
/// </summary>
internal sealed class SqliteEntityInsert
{
    private static readonly ConditionalWeakTable<IModel, Dictionary<Type, SqliteEntityInsert>> ByModel = [];

    private readonly string _sql;
    private readonly string[] _parameters;
    private readonly IProperty[] _properties;
    private readonly IClrPropertyGetter[] _getters;
    private readonly RelationalTypeMapping[] _mappings;

    private SqliteEntityInsert(IEntityType entityType)
    {
        var key = entityType.FindPrimaryKey() is { Properties: [var single] } primary && single.ValueGenerated == ValueGenerated.OnAdd
            ? single
            : throw new NotSupportedException($"{entityType.DisplayName()} has no store-generated single-column key.");
        _properties = [.. entityType.GetProperties().Where(p => p != key)];
        if (_properties.FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
        {
            throw new NotSupportedException($"{entityType.DisplayName()}.{shadow.Name} is a shadow property.");
        }

        _getters = [.. _properties.Select(p => p.GetGetter())];
        _mappings = [.. _properties.Select(p => p.GetRelationalTypeMapping())];
        _parameters = [.. _properties.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture))];
        var sql = new StringBuilder("INSERT INTO ").Append(Quote(entityType.GetTableName()!)).Append(" (");
        sql.AppendJoin(", ", _properties.Select(p => Quote(p.GetColumnName())));
        sql.Append(") VALUES (").AppendJoin(", ", _parameters).Append(") RETURNING ").Append(Quote(key.GetColumnName()));
        _sql = sql.ToString();
    }

    /// <summary>The insert of <typeparamref name="TEntity"/> in <paramref name="context"/>'s model.</summary>
    public static SqliteEntityInsert For<TEntity>(DbContext context)
    {
        var byType = ByModel.GetValue(context.Model, static _ => []);
        lock (byType)
        {
            if (!byType.TryGetValue(typeof(TEntity), out var insert))
            {
                insert = new SqliteEntityInsert(context.Model.FindEntityType(typeof(TEntity))
                    ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model."));
                byType.Add(typeof(TEntity), insert);
            }

            return insert;
        }
    }

    /// <summary>Inserts <paramref name="entity"/> in the batch's transaction; returns its new key.</summary>
    public long Insert(SqliteBatch batch, object entity)
    {
        var command = batch.Command(_sql);
        for (var i = 0; i < _properties.Length; i++)
        {
            command.Parameters.Add(_mappings[i].CreateParameter(command, _parameters[i], _getters[i].GetClrValue(entity), _properties[i].IsNullable));
        }

        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
