using System.Data.Common;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Jostle.Scim.Tests.Filtering;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>
/// The users of the shared evaluation case file (Core tests' Cases/eval-users.json), created once in a user store on
/// one database; the SQL of every query is recorded.
/// </summary>
public abstract class EvalUsersDatabase : IAsyncLifetime
{
    public const string Tenant = "t";

    public static ResourceTypeDefinition UserType { get; } = SchemaRegistry.CreateDefault().GetResourceType("User");

    public SqlRecorder Sql { get; } = new();

    public IDbContextFactory<ScimDbContext> Factory { get; private set; } = null!;

    public EfScimUserStore Store { get; private set; } = null!;

    protected abstract Task<DbContextOptionsBuilder<ScimDbContext>> OpenAsync();

    public async Task InitializeAsync()
    {
        var options = (await OpenAsync()).AddInterceptors(Sql).Options;
        Factory = new PooledDbContextFactory<ScimDbContext>(options);
        await EfScimStoreBase.InitializeDatabaseAsync(Factory, CancellationToken.None);
        Store = new EfScimUserStore(Factory);
        var users = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cases", "eval-users.json")))!.AsArray();
        foreach (var user in users.Select(u => u!.AsObject()))
        {
            // The store keeps meta.version; the case file's users have none.
            if (user["meta"] is not JsonObject meta)
            {
                meta = [];
                user["meta"] = meta;
            }

            var original = user.ToJsonString();
            meta["version"] = "W/\"1\"";
            var created = await Store.CreateAsync(Tenant, user);
            Assert.Equal(StoreStatus.Ok, created.Status);

            // The store needs meta.version; the case file's users have none (u7 has no meta at all): store the
            // document exactly as the case file has it, so that filters on it see what the in-memory evaluator sees.
            var id = created.Resource!.Id;
            await using var context = await Factory.CreateDbContextAsync();
            await context.Users.Where(u => u.TenantId == Tenant && u.Id == id).ExecuteUpdateAsync(set => set.SetProperty(u => u.Document, original));
        }
    }

    public abstract Task DisposeAsync();

    /// <summary>The ids a query returns, in order.</summary>
    public async Task<string> QueryAsync(string? filter, string? sortBy = null, bool descending = false)
    {
        var result = await Store.QueryAsync(Tenant, new StoreQuery
        {
            ResourceType = UserType,
            Filter = filter is null ? null : ScimFilter.Parse(filter),
            SortBy = sortBy is null ? null : AttributePath.Parse(sortBy),
            Descending = descending,
        });
        return string.Join(",", result.Resources.Select(r => r.Id));
    }
}

/// <summary>Records the text of every command a context runs.</summary>
public sealed class SqlRecorder : DbCommandInterceptor
{
    private readonly List<string> _commands = [];

    public string[] Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        lock (_commands)
        {
            _commands.Add(command.CommandText);
        }

        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}

/// <summary>The evaluation users on SQLite.</summary>
public sealed class SqliteEvalUsers : EvalUsersDatabase
{
    private readonly SqliteDatabase _database = new();

    protected override Task<DbContextOptionsBuilder<ScimDbContext>> OpenAsync() =>
        Task.FromResult(new DbContextOptionsBuilder<ScimDbContext>().UseSqlite(_database.ConnectionString));

    public override Task DisposeAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The evaluation users on PostgreSQL (a database of their own, dropped at the end).</summary>
public sealed class PostgresEvalUsers : EvalUsersDatabase
{
    private readonly string _name = PostgresServer.NewDatabaseName("eval");
    private PostgresServer? _server;

    protected override async Task<DbContextOptionsBuilder<ScimDbContext>> OpenAsync()
    {
        _server = await PostgresServer.GetAsync();
        return new DbContextOptionsBuilder<ScimDbContext>().UseNpgsql(await _server.CreateDatabaseAsync(_name));
    }

    public override async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DropDatabaseAsync(_name);
        }
    }
}

/// <summary>
/// Runs the in-memory evaluator's case file (Cases/filters.eval.txt over Cases/eval-users.json) through
/// <see cref="EfScimUserStore.QueryAsync"/>: every filter runs in SQL and must select the same users, or fail with the
/// same 400 invalidFilter message.
/// </summary>
public abstract class EfFilterEvaluationCaseTests<TDatabase>(TDatabase users) : IClassFixture<TDatabase>
    where TDatabase : EvalUsersDatabase
{
    public static TheoryData<int, string, string> Cases => EvalCases.Load("filters.eval.txt");

    protected TDatabase Users { get; } = users;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task FilterSelectsTheSameUsersAsTheInMemoryEvaluator(int line, string filterText, string expected)
    {
        if (expected.StartsWith('!'))
        {
            var error = await Assert.ThrowsAsync<ScimException>(() => Users.QueryAsync(filterText));
            Assert.Equal(400, error.Status);
            Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
            Assert.Equal(expected[1..], error.Detail);
            return;
        }

        Assert.True(line > 0);
        Assert.Equal(expected, await Users.QueryAsync(filterText));
    }

    [Theory]
    [InlineData("emails.value", "u3,u1,u2,u10,u5,u9,u8,u12,u6,u11,u4,u7")]
    [InlineData("name.formatted", "u3,u1,u10,u11,u12,u2,u4,u5,u6,u7,u8,u9")]
    [InlineData("addresses.locality", "u1,u12,u9,u2,u10,u11,u3,u4,u5,u6,u7,u8")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName", "u1,u9,u10,u11,u12,u2,u3,u4,u5,u6,u7,u8")]
    public async Task SortByOrdersByTheDocumentsValueThePrimaryElseTheFirstThenById(string sortBy, string expected)
    {
        Assert.Equal(expected, await Users.QueryAsync(null, sortBy));
    }

    [Fact]
    public async Task SortByEmailsDescendingPutsUsersWithoutEmailsFirst()
    {
        Assert.Equal("u11,u4,u7,u6,u12,u8,u9,u5,u10,u2,u1,u3", await Users.QueryAsync(null, "emails.value", descending: true));
    }

    [Theory]
    [InlineData("externalId sw \"ext-\"", "u4")]
    [InlineData("externalId sw \"EXT-\"", "")]
    [InlineData("externalId ew \"SMITH\"", "")]
    [InlineData("externalId ew \"Smith\"", "u5")]
    [InlineData("externalId co \"SMI\"", "")]
    [InlineData("externalId co \"Smi\"", "u5")]
    [InlineData("externalId gt \"a\"", "u2,u4,u6,u8,u10,u11")]
    [InlineData("userName sw \"JSMITH\"", "u2")]
    [InlineData("userName ew \"@EXAMPLE.COM\" and externalId sw \"O\"", "")]
    public async Task CaseExactAttributesCompareExactlyInSql(string filter, string expected)
    {
        Assert.Equal(Sorted(expected), Sorted(await Users.QueryAsync(filter)));
    }

    [Fact]
    public async Task AFilterOnADocumentAttributeRunsInTheWhereClause()
    {
        Assert.Equal("u1", await Users.QueryAsync("addresses[type eq \"work\" and locality eq \"Hollywood\"]"));
        var sql = Users.Sql.Commands.Last(c => c.Contains("hollywood", StringComparison.OrdinalIgnoreCase) || c.Contains("locality", StringComparison.Ordinal));
        var where = sql[sql.IndexOf("WHERE", StringComparison.Ordinal)..];
        Assert.True(where.Contains(JsonFunction, StringComparison.Ordinal), sql);
        Assert.True(where.Contains(ElementsFunction, StringComparison.Ordinal), sql);
    }

    /// <summary>The provider's function that reads a JSON value.</summary>
    protected abstract string JsonFunction { get; }

    /// <summary>The provider's function that lists a JSON array's elements.</summary>
    protected abstract string ElementsFunction { get; }

    private static string Sorted(string ids) => string.Join(",", ids.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
}

/// <summary>The evaluation cases on SQLite.</summary>
public sealed class SqliteFilterEvaluationCaseTests(SqliteEvalUsers users) : EfFilterEvaluationCaseTests<SqliteEvalUsers>(users)
{
    protected override string JsonFunction => "json_extract(";

    protected override string ElementsFunction => "\"json_each\"(";
}

/// <summary>The evaluation cases on PostgreSQL.</summary>
public sealed class PostgresFilterEvaluationCaseTests(PostgresEvalUsers users) : EfFilterEvaluationCaseTests<PostgresEvalUsers>(users)
{
    protected override string JsonFunction => "jsonb_extract_path_text(";

    protected override string ElementsFunction => "jsonb_array_elements(";
}
