using Jostle.Scim.AdminConsole;
using Jostle.Scim.Administration;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the provisioning console.</summary>
public static class JostleScimConsoleServiceCollectionExtensions
{
    /// <summary>
    /// Registers what <c>MapJostleScimConsole</c> needs: the console's cookie scheme
    /// (<see cref="ScimConsoleDefaults.AuthenticationScheme"/>; it never becomes the default scheme, so it does not touch
    /// the SCIM endpoints' API-key or OAuth authentication), antiforgery, static rendering of Razor components, the
    /// <see cref="ScimConsoleLinkManager"/> and, unless another is registered, the <see cref="InMemoryConsoleLinkStore"/>.
    /// The pages build on the administration services: call <c>AddJostleScim(…).AddAdministration()</c> too.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures <see cref="ScimConsoleOptions"/>; optional.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddJostleScimConsole(this IServiceCollection services, Action<ScimConsoleOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ScimConsoleOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.SessionLifetime > TimeSpan.Zero, "ScimConsoleOptions.SessionLifetime must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IScimConsoleLinkStore, InMemoryConsoleLinkStore>();
        services.TryAddSingleton(sp => new ScimConsoleLinkManager(sp.GetRequiredService<IScimConsoleLinkStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddScoped<ConsoleView>();
        if (services.Any(d => d.ServiceType == typeof(ConsoleMarker)))
        {
            return services;
        }

        services.AddSingleton<ConsoleMarker>();
        services.AddRazorComponents();
        services.AddAntiforgery();
        services.AddAuthentication().AddCookie(ScimConsoleDefaults.AuthenticationScheme, _ => { });
        services.AddOptions<CookieAuthenticationOptions>(ScimConsoleDefaults.AuthenticationScheme)
            .Configure<IOptions<ScimConsoleOptions>>((cookie, console) =>
            {
                cookie.Cookie.Name = ScimConsoleDefaults.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = console.Value.SessionLifetime;
                cookie.SlidingExpiration = true;

                // The console answers unauthenticated requests itself (a redirect to its sign-in page); the scheme never
                // redirects on its own, so it cannot turn a SCIM 401 into a 302 even if a host makes it a default.
                cookie.Events.OnRedirectToLogin = c =>
                {
                    c.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                cookie.Events.OnRedirectToAccessDenied = c =>
                {
                    c.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        return services;
    }

    /// <summary>Marks that the console is registered, so a second call adds nothing twice.</summary>
    internal sealed class ConsoleMarker;
}
