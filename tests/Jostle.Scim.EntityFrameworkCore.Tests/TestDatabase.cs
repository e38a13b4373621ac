using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>A fresh, empty database for one test, on whichever provider a test subclass chooses; dropped on dispose.</summary>
public interface ITestDatabase : IDisposable
{
    /// <summary>A context factory on the database.</summary>
    IDbContextFactory<ScimDbContext> Factory { get; }

    /// <summary>Points <c>AddEntityFrameworkStores</c> (or any options builder) at the database.</summary>
    void Configure(DbContextOptionsBuilder options);
}
