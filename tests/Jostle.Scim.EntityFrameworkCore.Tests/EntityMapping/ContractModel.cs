using Jostle.Scim.Stores;
using Jostle.Scim.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.EntityFrameworkCore.Tests.EntityMapping;

/// <summary>A user table for the store contract: a surrogate key, the SCIM id in a string column, a string version, everything else in an overflow column.</summary>
public sealed class ContractUser
{
    public long Key { get; set; }

    public string TenantId { get; set; } = "";

    public string ScimId { get; set; } = "";

    public string UserName { get; set; } = "";

    public string UserNameNormalized { get; set; } = "";

    public string? ExternalId { get; set; }

    public string? WorkEmail { get; set; }

    public DateTime Created { get; set; }

    public DateTime Modified { get; set; }

    public string Version { get; set; } = "";

    public string? Overflow { get; set; }
}

/// <summary>A group table for the store contract.</summary>
public sealed class ContractGroup
{
    public long Key { get; set; }

    public string TenantId { get; set; } = "";

    public string ScimId { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string DisplayNameNormalized { get; set; } = "";

    public DateTime Modified { get; set; }

    public string Version { get; set; } = "";

    public string? Overflow { get; set; }

    public List<ContractGroupMember> Members { get; set; } = [];
}

/// <summary>A member row: the join entity.</summary>
public sealed class ContractGroupMember
{
    public long Key { get; set; }

    public long GroupKey { get; set; }

    public string MemberId { get; set; } = "";

    public string? MemberType { get; set; }
}

/// <summary>The contract's context: string ids the library chooses, per-tenant unique indexes.</summary>
public sealed class ContractContext(DbContextOptions<ContractContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ContractUser>(u =>
        {
            u.HasKey(x => x.Key);
            u.HasIndex(x => new { x.TenantId, x.ScimId }).IsUnique();
            u.HasIndex(x => new { x.TenantId, x.UserNameNormalized }).IsUnique();
            u.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<ContractGroup>(g =>
        {
            g.HasKey(x => x.Key);
            g.HasIndex(x => new { x.TenantId, x.ScimId }).IsUnique();
            g.HasIndex(x => new { x.TenantId, x.DisplayNameNormalized }).IsUnique();
            g.Property(x => x.Version).IsConcurrencyToken();
            g.HasMany(x => x.Members).WithOne().HasForeignKey(m => m.GroupKey).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<ContractGroupMember>(m =>
        {
            m.HasKey(x => x.Key);
            m.HasIndex(x => new { x.GroupKey, x.MemberId }).IsUnique();
        });
        modelBuilder.HasScimJsonFunctions(Database);
    }

    public static void Map(ScimEntityStoreBuilder<ContractContext> scim) => scim
        .Users<ContractUser>(user => user
            .Id(u => u.ScimId)
            .Tenant(u => u.TenantId)
            .UserName(u => u.UserName, normalized: u => u.UserNameNormalized)
            .Map("externalId", u => u.ExternalId)
            .Map("emails[type eq \"work\"].value", u => u.WorkEmail)
            .Created(u => u.Created)
            .LastModified(u => u.Modified)
            .Version(u => u.Version)
            .Overflow(u => u.Overflow))
        .Groups<ContractGroup>(group => group
            .Id(g => g.ScimId)
            .Tenant(g => g.TenantId)
            .DisplayName(g => g.DisplayName, normalized: g => g.DisplayNameNormalized)
            .LastModified(g => g.Modified)
            .Version(g => g.Version)
            .Overflow(g => g.Overflow)
            .Members(g => g.Members, m => m.MemberId, type: m => m.MemberType));
}

/// <summary>The store contract on the entity-mapped stores: subclasses give the database.</summary>
public abstract class EntityStoreContractTests : ScimStoreContractTests, IAsyncLifetime
{
    private ServiceProvider? _services;

    protected abstract void Configure(DbContextOptionsBuilder options);

    private ServiceProvider Services
    {
        get
        {
            if (_services is null)
            {
                var services = new ServiceCollection();
                services.AddLogging();
                services.AddJostleScim().AddEntityStores<ContractContext>(ContractContext.Map);
                services.AddDbContextFactory<ContractContext>(Configure);
                _services = services.BuildServiceProvider();
            }

            return _services;
        }
    }

    protected override IScimUserStore CreateUserStore() => Services.GetRequiredService<IScimUserStore>();

    protected override IScimGroupStore CreateGroupStore() => Services.GetRequiredService<IScimGroupStore>();

    public virtual async Task InitializeAsync()
    {
        await using var context = await Services.GetRequiredService<IDbContextFactory<ContractContext>>().CreateDbContextAsync();
        await context.Database.EnsureCreatedAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }
}

/// <summary>The whole store contract on the entity-mapped stores over SQLite (a fresh file per test).</summary>
public sealed class SqliteEntityStoreContractTests : EntityStoreContractTests
{
    private readonly SqliteDatabase _database = new();

    protected override void Configure(DbContextOptionsBuilder options) => options.UseSqlite(_database.ConnectionString);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}

/// <summary>The whole store contract on the entity-mapped stores over PostgreSQL (a fresh database per test).</summary>
public sealed class PostgresEntityStoreContractTests : EntityStoreContractTests
{
    private readonly PostgresTestDatabase _database = new();

    protected override void Configure(DbContextOptionsBuilder options) => options.UseNpgsql(_database.ConnectionString);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        _database.Dispose();
    }
}
