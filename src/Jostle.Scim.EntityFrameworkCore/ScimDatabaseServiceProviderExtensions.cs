using Jostle.Scim.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Creates or upgrades the SCIM database of <c>AddEntityFrameworkStores</c>.</summary>
public static class ScimDatabaseServiceProviderExtensions
{
    /// <summary>
    /// Creates the SCIM database and its tables, or brings an existing one up to date, and, on a SQLite file, switches
    /// it to write-ahead logging. The stores do this on first use; call it at start-up (or before a command-line tool
    /// touches the database) to fail early.
    /// </summary>
    /// <param name="services">The application's services, with <c>AddEntityFrameworkStores</c> registered.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the database is ready.</returns>
    public static Task MigrateScimDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var factory = services.GetRequiredService<IDbContextFactory<ScimDbContext>>();
        return EfScimStoreBase.InitializeDatabaseAsync(factory, cancellationToken);
    }
}
