using Jostle.Scim.Stores;
using Jostle.Scim.Testing;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>The whole store contract against the EF Core stores on a SQLite file (one fresh database per test).</summary>
public sealed class SqliteStoreContractTests : ScimStoreContractTests, IDisposable
{
    private readonly SqliteDatabase _database = new();

    protected override IScimUserStore CreateUserStore() => new EfScimUserStore(_database.Factory);

    protected override IScimGroupStore CreateGroupStore() => new EfScimGroupStore(_database.Factory);

    public void Dispose() => _database.Dispose();
}
