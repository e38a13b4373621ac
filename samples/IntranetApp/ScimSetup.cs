using IntranetApp.Data;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace IntranetApp;

/// <summary>
/// Everything the app adds to gain SCIM. API keys and the provisioning log live in a SQLite file of their own;
/// users (and, with <c>--groups on</c>, teams as groups) live in the app's own tables through an entity map.
/// </summary>
public static class ScimSetup
{
    /// <summary>Where SCIM is served.</summary>
    public const string BasePath = "/scim/v2";

    private const string JostleUser = "urn:ietf:params:scim:schemas:extension:jostle:2.0:User:";

    /// <summary>Registers SCIM on the app's services.</summary>
    /// <param name="services">The services.</param>
    /// <param name="settings">The settings (data folder, groups on or off).</param>
    public static void AddScim(IServiceCollection services, IntranetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddJostleScim()
            .AddApiKeys()
            .AddProvisioningLog()
            .AddEntityFrameworkStores(db => db.UseSqlite($"Data Source={settings.ScimDatabasePath}"), o => o.UseForResources = false)
            .AddEntityStores<IntranetDbContext>(scim =>
            {
                scim.Users<Person>(user => user
                    .Id(p => p.Id)
                    .UserName(p => p.Login, normalized: p => p.LoginNormalized)
                    .Active(p => p.Enabled)
                    .Map("name.givenName", p => p.FirstName)
                    .Map("name.familyName", p => p.LastName)
                    .Map("emails[type eq \"work\"].value", p => p.WorkEmail)
                    .Map("emails[type eq \"personal\"].value", p => p.PersonalEmail)
                    .Map("emails[type eq \"alternate1\"].value", p => p.AlternateEmail1)
                    .Map("emails[type eq \"alternate2\"].value", p => p.AlternateEmail2)
                    .Map(JostleUser + "alternateEmail1Label", p => p.AlternateEmail1Label)
                    .Map(JostleUser + "alternateEmail2Label", p => p.AlternateEmail2Label)
                    .Created(p => p.CreatedAt).LastModified(p => p.UpdatedAt).Version(p => p.Version)
                    .Overflow(p => p.ScimAttributes));
                if (settings.Groups)
                {
                    scim.Groups<Team>(team => team
                        .Id(t => t.Id)
                        .DisplayName(t => t.Name, normalized: t => t.NameNormalized)
                        .Members(t => t.Members, m => m.PersonId)
                        .Created(t => t.CreatedAt).LastModified(t => t.UpdatedAt).Version(t => t.Version)
                        .Overflow(t => t.ScimAttributes));
                }
            });
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
