using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>A fresh, empty PostgreSQL database for one test (on the shared test server), dropped on dispose.</summary>
public sealed class PostgresTestDatabase : ITestDatabase
{
    private readonly string _name = PostgresServer.NewDatabaseName("d");
    private readonly PostgresServer _server;

    public PostgresTestDatabase()
    {
        // xUnit 2 constructs test classes synchronously; the server is shared and starts once.
        _server = PostgresServer.GetAsync().GetAwaiter().GetResult();
        ConnectionString = _server.CreateDatabaseAsync(_name).GetAwaiter().GetResult();
        Factory = new PooledDbContextFactory<ScimDbContext>(new DbContextOptionsBuilder<ScimDbContext>().UseNpgsql(ConnectionString).Options);
    }

    public string ConnectionString { get; }

    public IDbContextFactory<ScimDbContext> Factory { get; }

    public void Configure(DbContextOptionsBuilder options) => options.UseNpgsql(ConnectionString);

    public void Dispose() => _server.DropDatabaseAsync(_name).GetAwaiter().GetResult();
}

/// <summary>The database key store on PostgreSQL.</summary>
public sealed class PostgresEfApiKeyStoreTests : EfApiKeyStoreTests
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();

    /// <summary>On PostgreSQL the store offers no revision: every verification reads its key (a round trip either way).</summary>
    [Fact]
    public async Task PostgresOffersNoKeyRevision()
    {
        using var store = new EfScimApiKeyStore(Database.Factory);

        Assert.Null(await store.GetRevisionAsync());
    }
}

/// <summary>The database provisioning log on PostgreSQL.</summary>
public sealed class PostgresEfProvisioningLogTests : EfProvisioningLogTests
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();
}

/// <summary>Keys and the provisioning log through the real pipeline on PostgreSQL.</summary>
public sealed class PostgresEfEndToEndTests : EfEndToEndTests
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();
}
