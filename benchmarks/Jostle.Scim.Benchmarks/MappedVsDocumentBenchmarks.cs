using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.EntityFrameworkCore;
using Jostle.Scim.Filtering;
using Jostle.Scim.Resources;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// Issue #12: the lookup Entra makes for every user of every cycle, <c>userName eq "…"</c>, at 100 000 users, on the
/// entity-mapped store (<c>AddEntityStores</c> over an intranet-like person table: userName plus a normalised unique
/// index, a few mapped columns, an overflow column) next to the document store (<see cref="EfScimUserStore"/>), both
/// on SQLite files, in the same run. A hit (the user exists) and a miss (Entra's Test Connection asks for a userName
/// that does not exist). The measured part is the store's <c>QueryAsync</c> only; the filter is parsed once, as the
/// service would parse it before calling the store.
/// </summary>
/// <remarks>
/// The 100 000 rows are seeded by batched INSERTs built from each store's own EF model (the document store's rows by
/// its own <c>EntityDocuments.Fill</c> from documents the library's engine validated and stamped; the person rows as
/// the mapped store would write them, their overflow JSON taken from a user the store created). Before measuring,
/// a seeded row is read back through each store and must equal a user created through that store but for its
/// userName, email and id. BenchmarkDotNet runs the global setup once per case, so the seeded files are kept in
/// <c>JOSTLE_MAPBENCH_DIR</c> (default: a folder under the temp folder) and reused by the later cases of a run;
/// benchmarks/run-mapped-bench.sh empties it before each run.
/// </remarks>
[Config(typeof(InProcessShortRun))]
[MemoryDiagnoser]
public class MappedVsDocumentBenchmarks
{
    /// <summary>
    /// BenchmarkDotNet's short job (3 warm-ups, 3 iterations, one launch), in process: its rebuild of this project
    /// for a child process times out (2 min) on the busy shared 2-core box.
    /// </summary>
    private sealed class InProcessShortRun : ManualConfig
    {
        public InProcessShortRun() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }

    private const string Tenant = "bench";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private static readonly Uri BaseUrl = new("http://127.0.0.1/scim/v2/");

    private ServiceProvider _mappedServices = null!;
    private ServiceProvider _documentServices = null!;
    private IScimUserStore _mapped = null!;

    /// <summary>The mapped store's services (for MappedStages).</summary>
    internal ServiceProvider MappedServices => _mappedServices;

    private IScimUserStore _document = null!;
    private StoreQuery _hit = null!;
    private StoreQuery _miss = null!;

    /// <summary>The users in each store.</summary>
    [Params(100_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _mappedServices.Dispose();
        _documentServices.Dispose();
    }

    [Benchmark]
    public async Task<int> MappedHit() => (await _mapped.QueryAsync(Tenant, _hit)).TotalResults;

    [Benchmark]
    public async Task<int> DocumentHit() => (await _document.QueryAsync(Tenant, _hit)).TotalResults;

    [Benchmark]
    public async Task<int> MappedMiss() => (await _mapped.QueryAsync(Tenant, _miss)).TotalResults;

    [Benchmark]
    public async Task<int> DocumentMiss() => (await _document.QueryAsync(Tenant, _miss)).TotalResults;

    private async Task SetupAsync()
    {
        var folder = Environment.GetEnvironmentVariable("JOSTLE_MAPBENCH_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "jostle-mapbench");
        Directory.CreateDirectory(folder);
        var mappedFile = Path.Combine(folder, $"mapped-{Users}.db");
        var documentFile = Path.Combine(folder, $"document-{Users}.db");
        var userType = SchemaRegistry.CreateDefault().GetResourceType("User");
        var engine = new ScimResourceEngine(userType, new ScimResourceOptions());

        var mapped = new ServiceCollection();
        mapped.AddLogging();
        mapped.AddDbContext<BenchIntranetContext>(o => o.UseSqlite($"Data Source={mappedFile}"));
        mapped.AddJostleScim().AddEntityStores<BenchIntranetContext>(scim => scim.Users<BenchPerson>(user => user
            .Id(p => p.Id)
            .Tenant(p => p.TenantId)
            .UserName(p => p.Login, normalized: p => p.LoginNormalized)
            .Active(p => p.Enabled)
            .Map("name.givenName", p => p.FirstName)
            .Map("name.familyName", p => p.LastName)
            .Map("emails[type eq \"work\"].value", p => p.WorkEmail)
            .Map(Enterprise + ":department", p => p.Department)
            .Created(p => p.CreatedAt)
            .LastModified(p => p.UpdatedAt)
            .Version(p => p.Version)
            .Overflow(p => p.ScimAttributes)));
        _mappedServices = mapped.BuildServiceProvider();
        _mapped = _mappedServices.GetRequiredService<IScimUserStore>();

        var document = new ServiceCollection();
        document.AddLogging();
        document.AddJostleScim().AddEntityFrameworkStores(db => db.UseSqlite($"Data Source={documentFile}"));
        _documentServices = document.BuildServiceProvider();
        _document = _documentServices.GetRequiredService<IScimUserStore>();

        if (!File.Exists(mappedFile) || !File.Exists(documentFile))
        {
            File.Delete(mappedFile);
            File.Delete(documentFile);
            await SeedMappedAsync(engine);
            await _documentServices.MigrateScimDatabaseAsync();
            await SeedDocumentAsync(engine, documentFile);
        }

        _hit = new StoreQuery { ResourceType = userType, Filter = ScimFilter.Parse($"userName eq \"{UserName(Users / 2)}\"") };
        _miss = new StoreQuery { ResourceType = userType, Filter = ScimFilter.Parse("userName eq \"nobody@example.com\"") };
        await CheckAsync(_mapped, "mapped", userType);
        await CheckAsync(_document, "document", userType);
    }

    private static string UserName(int i) => string.Create(CultureInfo.InvariantCulture, $"user{i}@example.com");

    /// <summary>What Entra sends, less its noise: one work email, a department, and <c>nickName</c> (unmapped: the overflow column).</summary>
    private static JsonObject Body(string userName) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemaUris.User, Enterprise),
        ["userName"] = userName,
        ["active"] = true,
        ["nickName"] = "Babs",
        ["name"] = new JsonObject { ["givenName"] = "Barbara", ["familyName"] = "Jensen" },
        ["emails"] = new JsonArray(new JsonObject { ["value"] = userName, ["type"] = "work" }),
        [Enterprise] = new JsonObject { ["department"] = "Tour Operations" },
    };

    private static JsonObject Stamped(ScimResourceEngine engine, string userName) =>
        engine.StampCreated(engine.ValidateForCreate(Body(userName)).Document, Guid.NewGuid().ToString(), BaseUrl);

    /// <summary>The reference user through the store, then 100 000 rows like it by batched INSERTs on the person table.</summary>
    private async Task SeedMappedAsync(ScimResourceEngine engine)
    {
        using (var scope = _mappedServices.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<BenchIntranetContext>().Database.EnsureCreatedAsync();
        }

        var created = await _mapped.CreateAsync(Tenant, Stamped(engine, "reference@example.com"));
        if (created.Resource is null)
        {
            throw new InvalidOperationException($"The mapped store did not create the reference user: {created.Status}.");
        }

        using var rowsScope = _mappedServices.CreateScope();
        var context = rowsScope.ServiceProvider.GetRequiredService<BenchIntranetContext>();
        var template = await context.People.AsNoTracking().SingleAsync();
        var now = DateTime.UtcNow;
        await InsertAsync(context, typeof(BenchPerson), Enumerable.Range(0, Users).Select(i => (object)new BenchPerson
        {
            TenantId = Tenant,
            Login = UserName(i),
            LoginNormalized = UserName(i).ToUpperInvariant(),
            Enabled = template.Enabled,
            FirstName = template.FirstName,
            LastName = template.LastName,
            WorkEmail = UserName(i),
            Department = template.Department,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
            ScimAttributes = template.ScimAttributes,
        }));
    }

    /// <summary>The reference user through the store, then 100 000 documents stamped by the engine, mapped by the store's own EntityDocuments.Fill.</summary>
    private async Task SeedDocumentAsync(ScimResourceEngine engine, string file)
    {
        var created = await _document.CreateAsync(Tenant, Stamped(engine, "reference@example.com"));
        if (created.Resource is null)
        {
            throw new InvalidOperationException($"The document store did not create the reference user: {created.Status}.");
        }

        await using var context = new ScimDbContext(new DbContextOptionsBuilder<ScimDbContext>().UseSqlite($"Data Source={file}").Options);
        await context.Database.OpenConnectionAsync();
        var connection = context.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync();
        var user = Insert.For(context, connection, transaction, typeof(ScimUserEntity), returningKey: true);
        var email = Insert.For(context, connection, transaction, typeof(ScimUserEmailEntity), returningKey: false);
        for (var i = 0; i < Users; i++)
        {
            var entity = new ScimUserEntity();
            EntityDocuments.Fill(entity, Tenant, Stamped(engine, UserName(i)));
            entity.Key = Convert.ToInt64(await user.Bind(entity).ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            foreach (var e in entity.Emails)
            {
                e.UserKey = entity.Key;
                await email.Bind(e).ExecuteNonQueryAsync();
            }
        }

        await transaction.CommitAsync();
    }

    private static async Task InsertAsync(DbContext context, Type clrType, IEnumerable<object> rows)
    {
        await context.Database.OpenConnectionAsync();
        var connection = context.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync();
        var insert = Insert.For(context, connection, transaction, clrType, returningKey: false);
        foreach (var row in rows)
        {
            await insert.Bind(row).ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        await context.Database.CloseConnectionAsync();
    }

    /// <summary>
    /// A seeded row must read back through the store like the user the store created itself (but for userName,
    /// email, id, timestamps and the document store's content-hash version), the hit must find one user and the miss none.
    /// </summary>
    private async Task CheckAsync(IScimUserStore store, string name, ResourceTypeDefinition userType)
    {
        var hit = await store.QueryAsync(Tenant, _hit);
        var miss = await store.QueryAsync(Tenant, _miss);
        var reference = await store.QueryAsync(Tenant, new StoreQuery { ResourceType = userType, Filter = ScimFilter.Parse("userName eq \"reference@example.com\"") });
        var total = await store.QueryAsync(Tenant, new StoreQuery { ResourceType = userType, Count = 0 });
        if (hit.TotalResults != 1 || miss.TotalResults != 0 || reference.TotalResults != 1 || total.TotalResults != Users + 1)
        {
            throw new InvalidOperationException($"{name}: hit {hit.TotalResults}, miss {miss.TotalResults}, reference {reference.TotalResults}, total {total.TotalResults} (want 1, 0, 1, {Users + 1}).");
        }

        var seeded = Comparable(hit.Resources[0].Document);
        var created = Comparable(reference.Resources[0].Document);
        if (!JsonNode.DeepEquals(seeded, created))
        {
            throw new InvalidOperationException($"{name}: a seeded user does not read back like one the store created:\n{seeded.ToJsonString()}\n{created.ToJsonString()}");
        }
    }

    private static JsonObject Comparable(System.Text.Json.JsonElement document)
    {
        var copy = JsonNode.Parse(document.GetRawText())!.AsObject();
        copy.Remove("id");
        copy["userName"] = "*";
        foreach (var e in copy["emails"]!.AsArray())
        {
            e!["value"] = "*";
        }

        var meta = copy["meta"]!.AsObject();
        meta.Remove("created");
        meta.Remove("lastModified");
        meta.Remove("location");
        if (meta["version"]?.GetValue<string>() is { } version && version.StartsWith("W/\"", StringComparison.Ordinal) && version.Length > 4)
        {
            meta["version"] = "W/\"*\""; // the document store's version is a hash of the content, which has the userName in it
        }

        return copy;
    }

    /// <summary>One prepared INSERT built from the EF model: the table, columns and provider values SaveChanges would send.</summary>
    private sealed class Insert(DbCommand command, IReadOnlyList<IProperty> properties)
    {
        public static Insert For(DbContext context, DbConnection connection, DbTransaction transaction, Type clrType, bool returningKey)
        {
            var entityType = context.Model.FindEntityType(clrType)!;
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var key = entityType.FindPrimaryKey()!.Properties.Single();
            var columns = entityType.GetProperties().Where(p => p != key).ToList();
            var sql = context.GetService<ISqlGenerationHelper>();
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) " +
                $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))})" +
                (returningKey ? $" RETURNING {sql.DelimitIdentifier(key.GetColumnName(table)!)}" : "");
            return new Insert(command, columns);
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

/// <summary>An intranet's person table: an int key the database generates, a counter as concurrency token, an overflow column.</summary>
public sealed class BenchPerson
{
    public int Id { get; set; }

    public string TenantId { get; set; } = "";

    public string Login { get; set; } = "";

    public string LoginNormalized { get; set; } = "";

    public bool Enabled { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? WorkEmail { get; set; }

    public string? Department { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public int Version { get; set; }

    public string? ScimAttributes { get; set; }
}

/// <summary>The intranet's DbContext: the unique index on the normalised login is what a userName lookup uses.</summary>
public sealed class BenchIntranetContext(DbContextOptions<BenchIntranetContext> options) : DbContext(options)
{
    public DbSet<BenchPerson> People => Set<BenchPerson>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BenchPerson>(p =>
        {
            p.HasIndex(x => new { x.TenantId, x.LoginNormalized }).IsUnique();
            p.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.HasScimJsonFunctions(Database);
    }
}
