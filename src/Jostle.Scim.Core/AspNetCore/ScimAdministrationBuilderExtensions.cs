using Jostle.Scim.Administration;
using Jostle.Scim.Keys;
using Jostle.Scim.OAuth;
using Jostle.Scim.Provisioning;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AspNetCore;

/// <summary>Registers the services behind the provisioning console.</summary>
public static class ScimAdministrationBuilderExtensions
{
    /// <summary>
    /// Registers the console's services: <see cref="ScimCredentialAdministration"/> (keys with hints and expiry, rotations),
    /// <see cref="ScimConnectionStatusService"/>, <see cref="ScimRequestLogService"/>, <see cref="ScimProvisioningHealthService"/>,
    /// <see cref="ScimConnectionTester"/>, <see cref="ScimNotificationSettingsService"/>, <see cref="ScimAdministrationAudit"/>,
    /// the <see cref="ScimCredentialRotationService"/> with key-expiry warnings, and — unless another is registered — the
    /// <see cref="InMemoryAdministrationStore"/>. Turns on API keys, the provisioning log and failure notifications when they
    /// are not yet on, and ASP.NET Core Data Protection (for revealing personal values of the log).
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Configures <see cref="ScimAdministrationOptions"/>; optional.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddAdministration(this IJostleScimBuilder builder, Action<ScimAdministrationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ScimAdministrationOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.RotationCheckInterval > TimeSpan.Zero, "ScimAdministrationOptions.RotationCheckInterval must be positive.")
            .Validate(o => o.ConnectionWindow > TimeSpan.Zero && o.ConnectionWindow <= TimeSpan.FromHours(24), "ScimAdministrationOptions.ConnectionWindow must be between 0 and 24 hours.")
            .Validate(o => o.WarningFailureRate is > 0 and < 1 && o.QuarantineFailureRate is > 0 and <= 1 && o.WarningFailureRate < o.QuarantineFailureRate, "ScimAdministrationOptions: WarningFailureRate and QuarantineFailureRate must be between 0 and 1, the warning below the quarantine threshold.")
            .Validate(o => o.DuplicateWindow > TimeSpan.Zero, "ScimAdministrationOptions.DuplicateWindow must be positive.")
            .Validate(o => o.ScimPath.StartsWith('/'), "ScimAdministrationOptions.ScimPath must start with '/'.")
            .ValidateOnStart();
        if (services.Any(d => d.ServiceType == typeof(AdministrationMarker)))
        {
            return builder;
        }

        services.AddSingleton<AdministrationMarker>();
        builder.AddApiKeys().AddProvisioningLog().AddFailureNotifications();
        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IScimAdministrationStore, InMemoryAdministrationStore>();
        services.TryAddSingleton(sp => new ScimUnattributedRefusals(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ScimRequestSummaryProtector(sp.GetRequiredService<IDataProtectionProvider>()));
        services.TryAddSingleton(sp => new ScimAdministrationAudit(sp.GetServices<IProvisioningLogSink>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ScimCredentialAdministration(
            sp.GetRequiredService<ScimApiKeyManager>(),
            sp.GetRequiredService<IScimApiKeyStore>(),
            sp.GetRequiredService<IScimAdministrationStore>(),
            sp.GetRequiredService<ScimAdministrationAudit>(),
            sp.GetService<ScimOAuthClientManager>(),
            sp.GetService<IScimOAuthStore>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ScimConnectionStatusService(
            sp.GetRequiredService<IProvisioningLogReader>(),
            sp.GetRequiredService<IScimApiKeyStore>(),
            sp.GetRequiredService<IOptions<ScimAdministrationOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IScimOAuthStore>(),
            sp.GetService<ScimUnattributedRefusals>()));
        services.TryAddSingleton(sp => new ScimRequestLogService(
            sp.GetRequiredService<IProvisioningLogReader>(),
            sp.GetRequiredService<ScimAdministrationAudit>(),
            sp.GetRequiredService<IOptions<ScimAdministrationOptions>>(),
            sp.GetService<ScimRequestSummaryProtector>()));
        services.TryAddSingleton<IScimUserEmails>(sp => new ScimUserEmails(sp.GetRequiredService<Service.ScimResourceService>()));
        services.TryAddSingleton(sp => new ScimProvisioningHealthService(
            sp.GetRequiredService<IProvisioningLogReader>(),
            sp.GetRequiredService<IOptions<ScimAdministrationOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IScimUserEmails>()));
        services.TryAddSingleton<ScimPipelineCapture>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ScimPipelineStartupFilter>());
        services.TryAddSingleton(sp => new ScimConnectionTester(
            sp.GetRequiredService<ScimPipelineCapture>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<IOptions<ScimAdministrationOptions>>(),
            sp.GetRequiredService<ScimAdministrationAudit>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ScimApiKeyManager>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScimAdministrationNotifier, WebhookProvisioningFailureNotifier>());
        services.TryAddSingleton(sp => new ScimNotificationSettingsService(
            sp.GetRequiredService<IScimAdministrationStore>(),
            sp.GetRequiredService<ScimAdministrationAudit>(),
            sp.GetServices<IScimAdministrationNotifier>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ScimKeyExpiryWarnings(
            sp.GetRequiredService<IScimApiKeyStore>(),
            sp.GetRequiredService<IScimAdministrationStore>(),
            sp.GetServices<IScimAdministrationNotifier>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IScimOAuthStore>()));
        services.AddHostedService(sp => new ScimCredentialRotationService(
            sp.GetRequiredService<ScimCredentialAdministration>(),
            sp.GetRequiredService<IOptions<ScimAdministrationOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ScimCredentialRotationService>>(),
            sp.GetService<ScimKeyExpiryWarnings>()));
        return builder;
    }

    /// <summary>Registers the host's administration store (a singleton) in place of the in-memory one.</summary>
    /// <typeparam name="T">The store type.</typeparam>
    /// <param name="builder">The SCIM builder.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddAdministrationStore<T>(this IJostleScimBuilder builder)
        where T : class, IScimAdministrationStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IScimAdministrationStore, T>());
        return builder;
    }

    /// <summary>Marks that administration is registered.</summary>
    private sealed class AdministrationMarker;
}
