using Jostle.Scim.Provisioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AspNetCore;

/// <summary>Plugs the provisioning log and failure notifications into the SCIM service.</summary>
public static class ProvisioningLogBuilderExtensions
{
    /// <summary>
    /// Records every provisioning operation in the bounded <see cref="InMemoryProvisioningLog"/>, which is also registered
    /// as <see cref="IProvisioningLogReader"/> for the host's admin UI — unless an <see cref="IProvisioningLogReader"/> is
    /// already registered (a durable log such as the one of <c>AddEntityFrameworkStores</c>), which then stays the log.
    /// Metrics, traces and <c>ILogger</c> messages are on without it.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Configures retention; optional.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddProvisioningLog(this IJostleScimBuilder builder, Action<ProvisioningLogOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ProvisioningLogOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.MaxEntries >= 1, "ProvisioningLogOptions.MaxEntries must be at least 1.")
            .Validate(o => o.MaxAge > TimeSpan.Zero, "ProvisioningLogOptions.MaxAge must be positive.")
            .ValidateOnStart();
        if (services.Any(d => d.ServiceType == typeof(IProvisioningLogReader)))
        {
            // A durable log registered earlier (AddEntityFrameworkStores, or the host's own reader) is the log; an
            // in-memory copy beside it would only hold records nobody can read.
            return builder;
        }

        services.TryAddSingleton(sp => new InMemoryProvisioningLog(sp.GetRequiredService<IOptions<ProvisioningLogOptions>>().Value, sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProvisioningLogSink, InMemoryProvisioningLog>(sp => sp.GetRequiredService<InMemoryProvisioningLog>()));
        services.TryAddSingleton<IProvisioningLogReader>(sp => sp.GetRequiredService<InMemoryProvisioningLog>());
        return builder;
    }

    /// <summary>Adds a provisioning log sink of the host's (a database, a SIEM forwarder), beside any other. Register it as the <see cref="IProvisioningLogReader"/> too if it can answer queries.</summary>
    /// <typeparam name="T">The sink type, created as a singleton.</typeparam>
    /// <param name="builder">The SCIM builder.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddProvisioningLogSink<T>(this IJostleScimBuilder builder)
        where T : class, IProvisioningLogSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IProvisioningLogSink, T>());
        return builder;
    }

    /// <summary>
    /// Sends failure digests: a background service gathers each tenant's failed operations and hands at most one digest per
    /// <see cref="ProvisioningFailureNotificationOptions.Interval"/> to every <see cref="IProvisioningFailureNotifier"/>.
    /// With <see cref="ProvisioningFailureNotificationOptions.WebhookUrl"/> set, the shipped webhook notifier POSTs them as JSON.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Configures the interval, grouping and webhook; optional.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddFailureNotifications(this IJostleScimBuilder builder, Action<ProvisioningFailureNotificationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ProvisioningFailureNotificationOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProvisioningFailureNotificationOptions>, FailureNotificationOptionsValidator>());
        services.TryAddSingleton<ProvisioningFailureQueue>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ProvisioningFailureNotificationService>());
        services.AddHttpClient(WebhookProvisioningFailureNotifier.HttpClientName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProvisioningFailureNotifier, WebhookProvisioningFailureNotifier>());
        return builder;
    }

    /// <summary>Adds a failure notifier of the host's (e-mail, chat, the host's own inbox) and turns failure notifications on.</summary>
    /// <typeparam name="T">The notifier type, created as a singleton.</typeparam>
    /// <param name="builder">The SCIM builder.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddFailureNotifier<T>(this IJostleScimBuilder builder)
        where T : class, IProvisioningFailureNotifier
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFailureNotifications();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IProvisioningFailureNotifier, T>());
        return builder;
    }
}

/// <summary>Checks <see cref="ProvisioningFailureNotificationOptions"/> at start-up.</summary>
internal sealed class FailureNotificationOptionsValidator : IValidateOptions<ProvisioningFailureNotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningFailureNotificationOptions options)
    {
        var failures = new List<string>();
        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add("ProvisioningFailureNotificationOptions.Interval must be positive.");
        }

        if (options.GatherDelay < TimeSpan.Zero)
        {
            failures.Add("ProvisioningFailureNotificationOptions.GatherDelay must not be negative.");
        }

        if (options.MaxExamplesPerGroup < 0 || options.MaxGroupsPerDigest < 1 || options.QueueCapacity < 1)
        {
            failures.Add("ProvisioningFailureNotificationOptions: MaxExamplesPerGroup must be at least 0, MaxGroupsPerDigest and QueueCapacity at least 1.");
        }

        if (options.WebhookUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add("ProvisioningFailureNotificationOptions.WebhookUrl must be an absolute http or https URL.");
        }

        if (options.WebhookMaxAttempts < 1 || options.WebhookInitialBackoff < TimeSpan.Zero || options.WebhookMaxBackoff < options.WebhookInitialBackoff || options.WebhookTimeout <= TimeSpan.Zero)
        {
            failures.Add("ProvisioningFailureNotificationOptions: WebhookMaxAttempts must be at least 1, the back-offs non-negative with the maximum at least the initial one, and WebhookTimeout positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
