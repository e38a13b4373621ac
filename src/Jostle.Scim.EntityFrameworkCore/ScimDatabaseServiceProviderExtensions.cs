using Jostle.Scim.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Creates or upgrades the SCIM database of <c>AddEntityFrameworkStores</c>.</summary>
public static class ScimDatabaseServiceProviderExtensions
{
    /// <summary>
    /// Creates the SCIM database if it is missing and applies the EF Core migrations of the configured provider (SQLite
    /// or PostgreSQL) that it lacks, and, on a SQLite file, switches it to write-ahead logging. Safe to run from several
    /// processes at once: on PostgreSQL the migrations run under an advisory lock, on SQLite under EF Core's lock. The stores do this on first use; call it at start-up (or before a command-line tool
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
