using Jostle.Scim.AspNetCore;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.EntityFrameworkCore.Tests.EntityMapping;

/// <summary>A person table with a login unique per tenant (its normalised twin's unique index).</summary>
public sealed class LoginPerson
{
    public int Id { get; set; }

    public string TenantId { get; set; } = "";

    public string Login { get; set; } = "";

    public string? LoginNormalized { get; set; }

    public bool Enabled { get; set; }

    public int Version { get; set; }
}

/// <summary>Counts how many contexts were made and disposed, so that the tests see the store's reads reuse them.</summary>
public sealed class ContextCounter
{
    private int _created;
    private int _disposed;

    public int Created => _created;

    public int Disposed => _disposed;

    public void OnCreated() => Interlocked.Increment(ref _created);

    public void OnDisposed() => Interlocked.Increment(ref _disposed);
}

public sealed class LoginContext : DbContext
{
    private readonly ContextCounter _counter;

    public LoginContext(DbContextOptions<LoginContext> options, ContextCounter counter)
        : base(options)
    {
        _counter = counter;
        counter.OnCreated();
    }

    public DbSet<LoginPerson> People => Set<LoginPerson>();

    public override void Dispose()
    {
        _counter.OnDisposed();
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        _counter.OnDisposed();
        return base.DisposeAsync();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<LoginPerson>(p =>
    {
        p.HasIndex(x => new { x.TenantId, x.LoginNormalized }).IsUnique();
        p.Property(x => x.Version).IsConcurrencyToken();
    });
}

/// <summary>
/// The entity-mapped user store's read path: <c>userName eq</c> runs as a compiled query and must answer exactly as
/// the general filter path does, and reads reuse contexts without ever
/// serving stale rows or keeping a context that failed.
/// </summary>
public sealed class EntityReadPathTests : IAsyncLifetime
{
    private static readonly ResourceTypeDefinition UserType = SchemaRegistry.CreateDefault().GetResourceType("User");
    private readonly SqliteDatabase _database = new();
    private readonly ContextCounter _counter = new();
    private ServiceProvider _services = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _database.Dispose();
    }

    private async Task<IScimUserStore> StoreAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_counter);
        services.AddDbContext<LoginContext>(o => o.UseSqlite(_database.ConnectionString));
        services.AddJostleScim().AddEntityStores<LoginContext>(scim => scim.Users<LoginPerson>(user => user
            .Id(p => p.Id).Tenant(p => p.TenantId).UserName(p => p.Login, normalized: p => p.LoginNormalized).Active(p => p.Enabled).Version(p => p.Version)));
        _services = services.BuildServiceProvider();
        await using (var scope = _services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<LoginContext>().Database.EnsureCreatedAsync();
        }

        return _services.GetRequiredService<IScimUserStore>();
    }

    private static StoreQuery UserNameEq(string value, bool general = false, int count = 100) => new()
    {
        ResourceType = UserType,
        Filter = ScimFilter.Parse($"userName eq \"{value}\""),
        Count = count,
        // A sort sends the same filter down the general path (LINQ through the translator); one row sorts as itself.
        SortBy = general ? AttributePath.Parse("userName") : null,
    };

    private static async Task<string> CreateAsync(IScimUserStore store, string tenant, string userName)
    {
        var result = await store.CreateAsync(tenant, TestDocuments.User(Guid.NewGuid().ToString(), userName));
        Assert.Equal(StoreStatus.Ok, result.Status);
        return result.Resource!.Id;
    }

    [Fact]
    public async Task UserNameEqAnswersAsTheGeneralFilterPathDoes()
    {
        var store = await StoreAsync();
        var ingenieure = await CreateAsync(store, "acme", "Ingénieure");
        var bjensen = await CreateAsync(store, "acme", "bjensen");
        await CreateAsync(store, "other", "shared");

        string[] probes = ["Ingénieure", "INGéNIEURE", "ingénieure", "INGÉNIEURE", "bjensen", "BJensen", "bjensen ", "shared", "nobody", ""];
        foreach (var probe in probes)
        {
            var fast = await store.QueryAsync("acme", UserNameEq(probe));
            var general = await store.QueryAsync("acme", UserNameEq(probe, general: true));
            Assert.Equal(general.TotalResults, fast.TotalResults);
            Assert.Equal(general.Resources.Select(r => (r.Id, r.Version, r.Document.GetRawText())), fast.Resources.Select(r => (r.Id, r.Version, r.Document.GetRawText())));
        }

        Assert.Equal([bjensen], (await store.QueryAsync("acme", UserNameEq("BJENSEN"))).Resources.Select(r => r.Id));
        Assert.Equal([ingenieure], (await store.QueryAsync("acme", UserNameEq("INGéNIEURE"))).Resources.Select(r => r.Id));
        Assert.Equal(1, (await store.QueryAsync("acme", UserNameEq("INGÉNIEURE"))).TotalResults); // the normalised member: ToUpperInvariant
        Assert.Equal(0, (await store.QueryAsync("acme", UserNameEq("shared"))).TotalResults);
        Assert.Equal(1, (await store.QueryAsync("other", UserNameEq("SHARED"))).TotalResults);
    }

    [Fact]
    public async Task AFullFirstPageOfUserNameEqStillCountsTheTotal()
    {
        var store = await StoreAsync();
        var id = await CreateAsync(store, "acme", "bjensen");

        var result = await store.QueryAsync("acme", UserNameEq("bjensen", count: 1));

        Assert.Equal(1, result.TotalResults);
        Assert.Equal([id], result.Resources.Select(r => r.Id));
    }

    [Fact]
    public async Task ReadsReuseAContextAndStillSeeEveryWrite()
    {
        var store = await StoreAsync();
        await CreateAsync(store, "acme", "first");
        Assert.Equal(1, (await store.QueryAsync("acme", UserNameEq("first"))).TotalResults);
        var created = _counter.Created;

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(1, (await store.QueryAsync("acme", UserNameEq("first"))).TotalResults);
            Assert.Equal(0, (await store.QueryAsync("acme", UserNameEq("second"))).TotalResults);
        }

        Assert.Equal(created, _counter.Created);

        // A write through the host's own context, then the pooled context's next read sees it.
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LoginContext>();
            db.People.Add(new LoginPerson { TenantId = "acme", Login = "second", LoginNormalized = "SECOND", Enabled = true, Version = 1 });
            await db.SaveChangesAsync();
        }

        var second = await store.QueryAsync("acme", UserNameEq("SECOND"));
        Assert.Equal(1, second.TotalResults);
        Assert.NotNull(await store.GetAsync("acme", second.Resources[0].Id));
        Assert.Equal(1, (await store.QueryAsync("acme", new StoreQuery { ResourceType = UserType, Filter = ScimFilter.Parse("userName sw \"sec\"") })).TotalResults);
    }

    [Fact]
    public async Task AReadThatFailsDisposesItsContextAndTheStoreDisposesTheRestWithTheServices()
    {
        var store = await StoreAsync();
        await CreateAsync(store, "acme", "first");
        Assert.Equal(1, (await store.QueryAsync("acme", UserNameEq("first"))).TotalResults);
        var disposed = _counter.Disposed;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.QueryAsync("acme", UserNameEq("first"), new CancellationToken(canceled: true)));
        var error = await Assert.ThrowsAsync<ScimException>(async () => await store.QueryAsync("acme", new StoreQuery { ResourceType = UserType, Filter = ScimFilter.Parse("nickName eq \"x\"") }));
        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);

        Assert.True(_counter.Disposed >= disposed + 1, $"disposed {_counter.Disposed}, before {disposed}");
        Assert.Equal(1, (await store.QueryAsync("acme", UserNameEq("first"))).TotalResults);
        Assert.True(_counter.Created > _counter.Disposed);

        await _services.DisposeAsync();
        Assert.Equal(_counter.Created, _counter.Disposed);
    }
}
