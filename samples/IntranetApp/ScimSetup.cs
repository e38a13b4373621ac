using IntranetApp.Data;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IntranetApp;

/// <summary>Everything the app adds to gain SCIM.</summary>
public static class ScimSetup
{
    /// <summary>Where SCIM is served.</summary>
    public const string BasePath = "/scim/v2";

    /// <summary>Registers SCIM: API keys and the provisioning log in their own SQLite file, users (and teams as groups) over the app's tables.</summary>
    /// <param name="services">The services.</param>
    /// <param name="settings">The settings (data folder, groups on or off).</param>
    public static void AddScim(IServiceCollection services, IntranetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddJostleScim()
            .AddApiKeys()
            .AddProvisioningLog()
            .AddEntityFrameworkStores(db => db.UseSqlite($"Data Source={settings.ScimDatabasePath}"), o => o.UseForResources = false)
            .AddInMemoryStores(); // interim, until the entity-mapped store lands
        if (!settings.Groups)
        {
            services.RemoveAll<IScimGroupStore>();
        }
    }

    /// <summary>Serves SCIM at <see cref="BasePath"/> behind the API keys.</summary>
    /// <param name="app">The app.</param>
    public static void UseScim(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapJostleScim(BasePath);
    }

    /// <summary>Creates or upgrades the database of the SCIM keys and log.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    public static Task PrepareAsync(IServiceProvider services, CancellationToken cancellationToken) => services.MigrateScimDatabaseAsync(cancellationToken);
}
