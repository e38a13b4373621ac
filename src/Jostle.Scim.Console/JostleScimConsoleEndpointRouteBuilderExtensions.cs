using Jostle.Scim.AdminConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the provisioning console.</summary>
public static class JostleScimConsoleEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the provisioning console under <paramref name="prefix"/>: its sign-in page, the operator's overview and, per
    /// tenant, Set-up, Credentials, Test connection, Request log, Health, Notifications and Admins. The pages authenticate
    /// with the console's own cookie (<see cref="ScimConsoleDefaults.AuthenticationScheme"/>) in an endpoint filter, so
    /// they work whatever the host's default scheme or fallback policy is; the group is marked anonymous for the host's
    /// authorization middleware for that reason.
    /// </summary>
    /// <param name="endpoints">The endpoint builder (the app).</param>
    /// <param name="prefix">The path, e.g. <c>/console</c>.</param>
    /// <returns>The console's route group, for the host's own conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddJostleScimConsole</c> or <c>AddAdministration</c> was not called.</exception>
    public static RouteGroupBuilder MapJostleScimConsole(this IEndpointRouteBuilder endpoints, string prefix = "/console")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (!prefix.StartsWith('/'))
        {
            throw new ArgumentException("The console's prefix must start with '/', e.g. /console.", nameof(prefix));
        }

        var isService = endpoints.ServiceProvider.GetRequiredService<IServiceProviderIsService>();
        if (!isService.IsService(typeof(JostleScimConsoleServiceCollectionExtensions.ConsoleMarker)))
        {
            throw new InvalidOperationException("MapJostleScimConsole needs the console's services: call builder.Services.AddJostleScimConsole().");
        }

        if (!isService.IsService(typeof(Jostle.Scim.Administration.ScimCredentialAdministration)))
        {
            throw new InvalidOperationException("MapJostleScimConsole builds on the administration services: call builder.Services.AddJostleScim(…).AddAdministration().");
        }

        var trimmed = prefix.TrimEnd('/');
        var group = endpoints.MapGroup(trimmed);
        group.AllowAnonymous();
        ConsoleEndpoints.Map(group, trimmed);
        return group;
    }
}
