using Jostle.Scim.AspNetCore;
using Jostle.Scim.EntityFrameworkCore;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs the EF Core stores into <c>AddJostleScim</c>.</summary>
public static class JostleScimEntityFrameworkBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="EfScimUserStore"/> and <see cref="EfScimGroupStore"/> on a pooled
    /// <see cref="IDbContextFactory{TContext}"/> of <see cref="ScimDbContext"/>; each store call uses a short-lived
    /// context. The database is created or migrated on first use (see <c>MigrateScimDatabaseAsync</c>; SQLite in WAL mode).
    /// Provisioning API keys (<see cref="EfScimApiKeyStore"/>, with the console's sign-in links in <see cref="EfScimConsoleLinkStore"/>), OAuth clients (<see cref="EfScimOAuthStore"/>) and the
    /// provisioning log are kept in the same database, in place of the in-memory ones of <c>AddApiKeys</c>,
    /// <c>AddOAuthClients</c> and <c>AddProvisioningLog</c>, whichever order those are called in.
    /// EF Core's "command failed" and "save failed" events are logged at Debug, not Error: a lost race (a userName taken by
    /// a concurrent create) is an expected 409, and other failures reach the SCIM pipeline, which logs them as 500s;
    /// <paramref name="configure"/> may set other levels with <c>ConfigureWarnings</c>.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Chooses the provider and connection, <c>o =&gt; o.UseSqlite("Data Source=scim.db")</c> or <c>o =&gt; o.UseNpgsql(connectionString)</c>.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddEntityFrameworkStores(this IJostleScimBuilder builder, Action<DbContextOptionsBuilder> configure) =>
        AddEntityFrameworkStores(builder, configure, static _ => { });

    /// <summary>
    /// Registers the EF Core stores as <see cref="AddEntityFrameworkStores(IJostleScimBuilder, Action{DbContextOptionsBuilder})"/>
    /// does, with options: whether users and groups (<see cref="ScimEntityFrameworkOptions.UseForResources"/>), API keys,
    /// OAuth clients and the provisioning log are kept in the database, and how the database log's background writer
    /// queues and batches. An app that keeps users in its own tables passes <c>o =&gt; o.UseForResources = false</c> to
    /// keep only keys, OAuth clients and the log here.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Chooses the provider and connection, e.g. <c>o =&gt; o.UseSqlite("Data Source=scim.db")</c>.</param>
    /// <param name="configureStores">Configures <see cref="ScimEntityFrameworkOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddEntityFrameworkStores(this IJostleScimBuilder builder, Action<DbContextOptionsBuilder> configure, Action<ScimEntityFrameworkOptions> configureStores)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(configureStores);
        var options = new ScimEntityFrameworkOptions();
        configureStores(options);
        if (options.ProvisioningLogQueueCapacity < 1 || options.ProvisioningLogBatchSize < 1 || options.ProvisioningLogRetentionInterval <= TimeSpan.Zero
            || options.ProvisioningLogWriteDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("ScimEntityFrameworkOptions: ProvisioningLogQueueCapacity and ProvisioningLogBatchSize must be at least 1, ProvisioningLogRetentionInterval positive and ProvisioningLogWriteDelay not negative.", nameof(configureStores));
        }

        if (!options.UseForResources && !options.UseForApiKeys && !options.UseForOAuthClients && !options.UseForProvisioningLog)
        {
            throw new ArgumentException("ScimEntityFrameworkOptions: UseForResources, UseForApiKeys, UseForOAuthClients and UseForProvisioningLog are all false, so the database would keep nothing; set at least one, or leave out AddEntityFrameworkStores.", nameof(configureStores));
        }

        var services = builder.Services;
        services.AddPooledDbContextFactory<ScimDbContext>(db =>
        {
            // A failed command or save is not an error of its own here: the stores turn the expected ones (a userName
            // taken by a concurrent create, a lost optimistic race) into 409s and retries, and anything else reaches the
            // caller as an exception, which the SCIM pipeline logs as a 500. At Error level, EF Core's own two records
            // per failure would flag every lost race of a scaled-out deployment. Set first, so `configure` can override.
            // Likewise a query or connection that fails because the database is down: the pipeline answers 503 and logs one
            // warning per request (docs/resilience.md) instead of EF Core's two Error records with stack traces.
            db.ConfigureWarnings(w => w.Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (RelationalEventId.ConnectionError, LogLevel.Debug),
                (RelationalEventId.TransactionError, LogLevel.Debug)));
            configure(db);
        });
        if (options.UseForResources)
        {
            builder.AddUserStore<EfScimUserStore>().AddGroupStore<EfScimGroupStore>();
        }

        // A database outage or a full disk answers 503/507 with Retry-After, not 500 (docs/resilience.md).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Jostle.Scim.Stores.IScimStoreFailureClassifier, EfStoreFailureClassifier>());

        if (options.UseForApiKeys)
        {
            // Replace wins over the TryAdd of an earlier AddApiKeys; a later AddApiKeys finds it and adds nothing.
            services.Replace(ServiceDescriptor.Singleton<IScimApiKeyStore, EfScimApiKeyStore>());

            // The console's sign-in links live beside the keys: `console link` on the command line writes what the server reads.
            services.Replace(ServiceDescriptor.Singleton<Jostle.Scim.Administration.IScimConsoleLinkStore, EfScimConsoleLinkStore>());
        }

        if (options.UseForOAuthClients)
        {
            services.Replace(ServiceDescriptor.Singleton<Jostle.Scim.OAuth.IScimOAuthStore, EfScimOAuthStore>());
        }

        if (options.UseForAdministration)
        {
            // Replace wins over the TryAdd of an earlier AddAdministration; a later one finds it and adds nothing.
            services.Replace(ServiceDescriptor.Singleton<Jostle.Scim.Administration.IScimAdministrationStore, EfScimAdministrationStore>());
        }

        if (options.UseForProvisioningLog)
        {
            AddDatabaseProvisioningLog(services, options);
        }

        return builder;
    }

    private static void AddDatabaseProvisioningLog(IServiceCollection services, ScimEntityFrameworkOptions options)
    {
        if (services.Any(d => d.ServiceType == typeof(EfProvisioningLog)))
        {
            return;
        }

        // An earlier AddProvisioningLog registered the in-memory log as sink and reader: the database log takes its place.
        // A later AddProvisioningLog sees a reader registered and adds no in-memory log.
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType == typeof(IProvisioningLogSink) && IsInMemoryLog(descriptor))
            {
                services.RemoveAt(i);
            }
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var contextFactory = sp.GetRequiredService<IDbContextFactory<ScimDbContext>>();

            // A pooled context takes the application's logger factory the first time it needs it. The log's last flush
            // can run while the container is being disposed, when the application's services can no longer be resolved;
            // so a context takes it now and goes back to the pool with it (this opens no connection).
            using (var context = contextFactory.CreateDbContext())
            {
                _ = context.GetService<ILoggerFactory>();
            }

            return new EfProvisioningLog(
                contextFactory,
                sp.GetService<IOptions<ProvisioningLogOptions>>()?.Value,
                options,
                sp.GetService<ILogger<EfProvisioningLog>>(),
                sp.GetService<TimeProvider>(),
                sp.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        });
        services.AddSingleton<IProvisioningLogSink>(sp => sp.GetRequiredService<EfProvisioningLog>());
        services.Replace(ServiceDescriptor.Singleton<IProvisioningLogReader>(sp => sp.GetRequiredService<EfProvisioningLog>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<EfProvisioningLog>());
    }

    private static bool IsInMemoryLog(ServiceDescriptor descriptor) =>
        !descriptor.IsKeyedService
        && (descriptor.ImplementationType == typeof(InMemoryProvisioningLog)
            || descriptor.ImplementationInstance is InMemoryProvisioningLog
            || (descriptor.ImplementationFactory?.GetType().GenericTypeArguments is [_, var produced] && produced == typeof(InMemoryProvisioningLog)));
}
