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

/// <summary>The store contract on SQLite with <c>UniqueGroupDisplayNames</c> off: the group store then keeps duplicate display names.</summary>
public sealed class SqliteStoreWithoutUniqueDisplayNamesContractTests : ScimStoreContractTests, IDisposable
{
    private readonly SqliteDatabase _database = new();

    protected override bool GroupDisplayNamesAreUnique => false;

    protected override IScimUserStore CreateUserStore() => new EfScimUserStore(_database.Factory);

    protected override IScimGroupStore CreateGroupStore() =>
        new EfScimGroupStore(_database.Factory, Microsoft.Extensions.Options.Options.Create(new Jostle.Scim.AspNetCore.JostleScimOptions { UniqueGroupDisplayNames = false }));

    public void Dispose() => _database.Dispose();
}
