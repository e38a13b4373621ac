using Jostle.Scim.Stores;
using Jostle.Scim.Testing;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>The whole store contract against the EF Core stores on PostgreSQL (one database for the class, emptied before each test).</summary>
public sealed class PostgresStoreContractTests(PostgresDatabase database) : ScimStoreContractTests, IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    protected override IScimUserStore CreateUserStore() => new EfScimUserStore(database.Factory);

    protected override IScimGroupStore CreateGroupStore() => new EfScimGroupStore(database.Factory);

    public Task InitializeAsync() => database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
