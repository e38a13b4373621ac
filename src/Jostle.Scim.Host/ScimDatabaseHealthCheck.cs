using Jostle.Scim.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jostle.Scim.Host;

/// <summary>The <c>database</c> health check: the SCIM database accepts a connection (SQLite file or PostgreSQL server).</summary>
internal sealed class ScimDatabaseHealthCheck(IDbContextFactory<ScimDbContext> contextFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                return await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false)
                    ? HealthCheckResult.Healthy("The SCIM database accepts connections.")
                    : new HealthCheckResult(context.Registration.FailureStatus, "The SCIM database does not accept connections.");
            }
        }
#pragma warning disable CA1031 // A health check reports any failure to reach the database as unhealthy, whatever its type.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The SCIM database cannot be reached.", ex);
        }
    }
}
