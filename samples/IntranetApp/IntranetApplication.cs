using IntranetApp.Data;
using Microsoft.EntityFrameworkCore;

namespace IntranetApp;

/// <summary>The intranet web app: its database, its pages and API, and (in <see cref="ScimSetup"/>) SCIM.</summary>
public static class IntranetApplication
{
    /// <summary>Creates the builder with the app's services (and SCIM's); the caller may still change it (tests use a test server).</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The builder.</returns>
    public static WebApplicationBuilder CreateBuilder(IntranetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(settings);
        AddServices(builder.Services, settings);
        return builder;
    }

    /// <summary>The app's services: its database and SCIM. Used by the server and by the <c>keys</c> commands.</summary>
    /// <param name="services">The services.</param>
    /// <param name="settings">The settings.</param>
    public static void AddServices(IServiceCollection services, IntranetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddDbContextFactory<IntranetDbContext>(db => db.UseSqlite($"Data Source={settings.DatabasePath}"));
        services.AddSingleton(TimeProvider.System);
        ScimSetup.AddScim(services, settings);
    }

    /// <summary>Builds the app: the pages, the API and SCIM.</summary>
    /// <param name="builder">The builder from <see cref="CreateBuilder"/>.</param>
    /// <returns>The app.</returns>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        ScimSetup.UseScim(app);
        app.MapPeoplePages();
        app.MapPeopleApi();
        return app;
    }

    /// <summary>Creates the data folder and the databases (the app's and SCIM's) when they are missing.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    public static async Task PrepareDatabasesAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var settings = services.GetRequiredService<IntranetSettings>();
        Directory.CreateDirectory(settings.DataDirectory);
        await using (var db = await services.GetRequiredService<IDbContextFactory<IntranetDbContext>>().CreateDbContextAsync(cancellationToken))
        {
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }

        await ScimSetup.PrepareAsync(services, cancellationToken);
    }

    /// <summary>Runs the server until Ctrl+C or SIGTERM.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(IntranetSettings settings)
    {
        var builder = CreateBuilder(settings);
        builder.WebHost.UseUrls(settings.Urls ?? IntranetSettings.DefaultUrl);
        await using var app = Build(builder);
        await PrepareDatabasesAsync(app.Services, app.Lifetime.ApplicationStopping);
        await app.StartAsync();
        app.Logger.LogInformation("Intranet at {Urls}; SCIM at {ScimBaseUrl} ({Groups}); data in {Data}",
            settings.Urls ?? IntranetSettings.DefaultUrl, settings.ScimBaseUrl, settings.Groups ? "users and groups" : "users only", Path.GetFullPath(settings.DataDirectory));
        await app.WaitForShutdownAsync();
        return 0;
    }
}
