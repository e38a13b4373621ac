using Jostle.Scim.AspNetCore;
using Jostle.Scim.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs the EF Core stores into <c>AddJostleScim</c>.</summary>
public static class JostleScimEntityFrameworkBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="EfScimUserStore"/> and <see cref="EfScimGroupStore"/> on a pooled
    /// <see cref="IDbContextFactory{TContext}"/> of <see cref="ScimDbContext"/>; each store call uses a short-lived
    /// context. The database is created or migrated on first use (see <c>MigrateScimDatabaseAsync</c>; SQLite in WAL mode).
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Chooses the provider and connection, <c>o =&gt; o.UseSqlite("Data Source=scim.db")</c> or <c>o =&gt; o.UseNpgsql(connectionString)</c>.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddEntityFrameworkStores(this IJostleScimBuilder builder, Action<DbContextOptionsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddPooledDbContextFactory<ScimDbContext>(configure);
        return builder.AddUserStore<EfScimUserStore>().AddGroupStore<EfScimGroupStore>();
    }
}
