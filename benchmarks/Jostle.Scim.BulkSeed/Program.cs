// Seeds users straight into the SCIM database, many per transaction, for the userName-lookup benchmark at 1 000 000
// users (over HTTP that takes far too long: one transaction per POST). Each row is what POST /Users would have
// stored: the cycle driver's Entra body for the index (EntraBodies.User, userName PREFIX-i@example.com), validated and
// stamped (id, meta, version) by the library's own ScimResourceEngine on the default schema registry — what the host
// runs — and mapped to the entities (normalised userName, displayName, externalId, email rows) by the EF store's own
// EntityDocuments.Fill. Only the transaction size differs. The database must exist (the host's `keys create` makes it).
//
//   dotnet Jostle.Scim.BulkSeed.dll (--sqlite FILE | --postgres CS) --users N [--start S] [--prefix seed]
//       [--tenant load] [--base-url http://127.0.0.1/scim/v2/] [--batch 5000] [--ef]
//
// By default the rows go in by plain INSERT statements built from the EF model (table, columns and each property's
// type mapping and value converter, as SaveChanges would send them), about five times faster than SaveChanges;
// --ef inserts through SaveChanges instead.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Jostle.Scim.CycleDriver;
using Jostle.Scim.EntityFrameworkCore;
using Jostle.Scim.Resources;
using Jostle.Scim.Schema;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "", StringComparer.Ordinal);
string Opt(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
int Int(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var users = Int("users", 0);
var start = Int("start", 0);
var batch = Int("batch", 5000);
var viaEf = options.ContainsKey("ef");
var prefix = Opt("prefix", "seed");
var tenant = Opt("tenant", "load");
var baseUrl = new Uri(Opt("base-url", "http://127.0.0.1/scim/v2/"));
var builder = new DbContextOptionsBuilder<ScimDbContext>();
if (options.TryGetValue("postgres", out var cs))
{
    builder.UseNpgsql(cs);
}
else if (options.TryGetValue("sqlite", out var file))
{
    builder.UseSqlite($"Data Source={file}");
}
else
{
    Console.Error.WriteLine("usage: BulkSeed (--sqlite FILE | --postgres CS) --users N [--start S] [--prefix seed] [--tenant load] [--base-url URL] [--batch 5000] [--ef]");
    return 2;
}

var engine = new ScimResourceEngine(SchemaRegistry.CreateDefault().GetResourceType("User"), new ScimResourceOptions());
var total = Stopwatch.StartNew();
var timing = Environment.GetEnvironmentVariable("BULKSEED_TIMING") == "1";
var tBuild = 0.0; var tSave = 0.0; var tCommit = 0.0;
for (var from = start; from < start + users; from += batch)
{
    var to = Math.Min(start + users, from + batch);
    var t0 = Stopwatch.GetTimestamp();
    await using var context = new ScimDbContext(builder.Options);
    context.ChangeTracker.AutoDetectChangesEnabled = false;
    var rows = new List<ScimUserEntity>(batch);
    for (var i = from; i < to; i++)
    {
        var userName = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}@example.com");
        var body = (JsonObject)JsonNode.Parse(EntraBodies.User(userName, i, null))!;
        var validated = engine.ValidateForCreate(body);
        var document = engine.StampCreated(validated.Document, Guid.NewGuid().ToString(), baseUrl);
        var entity = new ScimUserEntity();
        EntityDocuments.Fill(entity, tenant, document);
        if (viaEf)
        {
            context.Users.Add(entity);
        }
        else
        {
            rows.Add(entity);
        }
    }

    var t1 = Stopwatch.GetTimestamp();
    if (!viaEf)
    {
        await RawInsert.InsertAsync(context, rows);
        tSave += Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
    }
    else
    {
        await using var transaction = await context.Database.BeginTransactionAsync();
        await context.SaveChangesAsync();
        var t2 = Stopwatch.GetTimestamp();
        await transaction.CommitAsync();
        tSave += Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
        tCommit += Stopwatch.GetElapsedTime(t2).TotalMilliseconds;
    }

    tBuild += Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;

    if ((to - start) % 100_000 < batch || to == start + users)
    {
        Console.Error.WriteLine($"{to - start} users in {total.Elapsed.TotalSeconds:F1} s");
    }
}

if (timing)
{
    Console.Error.WriteLine($"build {tBuild:F0} ms, save {tSave:F0} ms, commit {tCommit:F0} ms");
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"mode\":\"bulk-seed\",\"users\":{users},\"start\":{start},\"batch\":{batch},\"wall_seconds\":{total.Elapsed.TotalSeconds:F1}}}"));
return 0;

/// <summary>INSERTs built from the EF model: the same tables, columns and provider values as SaveChanges.</summary>
internal static class RawInsert
{
    public static async Task InsertAsync(ScimDbContext context, List<ScimUserEntity> users)
    {
        await context.Database.OpenConnectionAsync();
        try
        {
            var connection = context.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync();
            if (connection.CanCreateBatch)
            {
                // PostgreSQL: one statement per user (the user row and its email and phone rows, chained by CTEs on the
                // returned key), 100 users per round trip. Same INSERTs and values as below; one round trip per row
                // made a million users take most of an hour on the shared box, where each round trip waits for the
                // scheduler.
                await BatchedInsert.InsertAsync(context, connection, transaction, users);
                await transaction.CommitAsync();
                return;
            }

            var user = Insert.For(context, connection, transaction, typeof(ScimUserEntity), returningKey: true);
            var email = Insert.For(context, connection, transaction, typeof(ScimUserEmailEntity), returningKey: false);
            var phone = Insert.For(context, connection, transaction, typeof(ScimUserPhoneNumberEntity), returningKey: false);
            foreach (var u in users)
            {
                u.Key = Convert.ToInt64(await user.Bind(u).ExecuteScalarAsync(), CultureInfo.InvariantCulture);
                foreach (var e in u.Emails)
                {
                    e.UserKey = u.Key;
                    await email.Bind(e).ExecuteNonQueryAsync();
                }

                foreach (var p in u.PhoneNumbers)
                {
                    p.UserKey = u.Key;
                    await phone.Bind(p).ExecuteNonQueryAsync();
                }
            }

            await transaction.CommitAsync();
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    private sealed class Insert(DbCommand command, IReadOnlyList<IProperty> properties)
    {
        public static Insert For(DbContext context, DbConnection connection, DbTransaction transaction, Type clrType, bool returningKey)
        {
            var entityType = context.Model.FindEntityType(clrType)!;
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var key = entityType.FindPrimaryKey()!.Properties.Single();
            var properties = entityType.GetProperties().Where(p => p != key).ToList();
            var sql = context.GetService<ISqlGenerationHelper>();
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) " +
                $"VALUES ({string.Join(", ", properties.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))})" +
                (returningKey ? $" RETURNING {sql.DelimitIdentifier(key.GetColumnName(table)!)}" : "");
            return new Insert(command, properties);
        }

        public DbCommand Bind(object entity)
        {
            command.Parameters.Clear();
            for (var i = 0; i < properties.Count; i++)
            {
                var property = properties[i];
                var mapping = (RelationalTypeMapping)property.GetTypeMapping();
                command.Parameters.Add(mapping.CreateParameter(command, "@p" + i.ToString(CultureInfo.InvariantCulture), property.GetGetter().GetClrValue(entity), property.IsNullable));
            }

            return command;
        }
    }
}

/// <summary>
/// The INSERTs of <see cref="RawInsert"/> for a connection that can batch (PostgreSQL): per user one statement
/// <c>WITH u AS (INSERT … RETURNING key), e0 AS (INSERT … SELECT u.key, … FROM u) … SELECT 1</c>, many per round trip.
/// </summary>
internal static class BatchedInsert
{
    private const int UsersPerBatch = 100;

    public static async Task InsertAsync(DbContext context, DbConnection connection, DbTransaction transaction, List<ScimUserEntity> users)
    {
        var user = Table.For(context, typeof(ScimUserEntity));
        var email = Table.For(context, typeof(ScimUserEmailEntity));
        var phone = Table.For(context, typeof(ScimUserPhoneNumberEntity));
        using var scratch = connection.CreateCommand(); // only creates the parameters, with each property's type mapping
        for (var from = 0; from < users.Count; from += UsersPerBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var u in users.Skip(from).Take(UsersPerBatch))
            {
                var command = batch.CreateBatchCommand();
                var sql = new System.Text.StringBuilder();
                sql.Append("WITH u AS (INSERT INTO ").Append(user.Name).Append(" (").Append(user.Columns).Append(") VALUES (");
                user.Bind(scratch, command, u, sql, userKey: null);
                sql.Append(") RETURNING ").Append(user.KeyColumn).Append(')');
                var n = 0;
                foreach (var (rows, table) in new[] { (u.Emails.Cast<object>(), email), (u.PhoneNumbers.Cast<object>(), phone) })
                {
                    foreach (var row in rows)
                    {
                        sql.Append(", c").Append(n++).Append(" AS (INSERT INTO ").Append(table.Name).Append(" (").Append(table.Columns).Append(") SELECT ");
                        table.Bind(scratch, command, row, sql, userKey: user.KeyColumn);
                        sql.Append(" FROM u)");
                    }
                }

                sql.Append(" SELECT 1");
                command.CommandText = sql.ToString();
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync();
        }
    }

    /// <summary>One table: its name, the columns but the key (the user key column, for a child, filled from <c>u</c>).</summary>
    private sealed class Table(string name, string columns, string keyColumn, IReadOnlyList<IProperty> properties, IProperty? foreignKey)
    {
        public string Name => name;

        public string Columns => columns;

        public string KeyColumn => keyColumn;

        public static Table For(DbContext context, Type clrType)
        {
            var entityType = context.Model.FindEntityType(clrType)!;
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var key = entityType.FindPrimaryKey()!.Properties.Single();
            var foreignKey = entityType.GetForeignKeys().FirstOrDefault(f => f.PrincipalEntityType.ClrType == typeof(ScimUserEntity))?.Properties.Single();
            var properties = entityType.GetProperties().Where(p => p != key && p != foreignKey).ToList();
            var sql = context.GetService<ISqlGenerationHelper>();
            var columns = (foreignKey is null ? [] : new[] { foreignKey }).Concat(properties).Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!));
            return new Table(sql.DelimitIdentifier(table.Name, table.Schema), string.Join(", ", columns), sql.DelimitIdentifier(key.GetColumnName(table)!), properties, foreignKey);
        }

        /// <summary>Appends the value list (<c>u.key, $1, $2 …</c>) and adds the parameters, numbered on from the command's.</summary>
        public void Bind(DbCommand scratch, DbBatchCommand command, object entity, System.Text.StringBuilder sql, string? userKey)
        {
            if (userKey is not null && foreignKey is not null)
            {
                sql.Append("u.").Append(userKey).Append(", ");
            }

            for (var i = 0; i < properties.Count; i++)
            {
                var property = properties[i];
                var mapping = (RelationalTypeMapping)property.GetTypeMapping();
                var parameter = mapping.CreateParameter(scratch, "", property.GetGetter().GetClrValue(entity), property.IsNullable);
                command.Parameters.Add(parameter);
                sql.Append(i == 0 ? "" : ", ").Append('$').Append(command.Parameters.Count.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
