using Jostle.Scim.Service;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Stores;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Jostle SCIM 2.0 endpoints.</summary>
public static class JostleScimEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the SCIM endpoints (RFC 7644) under <paramref name="prefix"/>: <c>/Users</c>, <c>/Groups</c>, <c>/.search</c>,
    /// <c>/Bulk</c>, <c>/Me</c>, <c>/ServiceProviderConfig</c>, <c>/ResourceTypes</c> and <c>/Schemas</c>. Every endpoint
    /// requires an authenticated caller bound to a tenant. With <c>AddOAuthClients</c>, also the anonymous OAuth token
    /// endpoint (default <c>{prefix}/oauth/token</c>). Without a Group store the service provisions Users only:
    /// <c>/Groups</c> answers 404 and the discovery documents leave Groups out.
    /// </summary>
    /// <param name="endpoints">The application's endpoint route builder.</param>
    /// <param name="prefix">The SCIM base path. Default <c>/scim/v2</c>.</param>
    /// <returns>The route group, for the host's own conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddJostleScim</c> was not called, or no User store is registered.</exception>
    public static RouteGroupBuilder MapJostleScim(this IEndpointRouteBuilder endpoints, string prefix = "/scim/v2")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var services = endpoints.ServiceProvider;
        var isService = services.GetRequiredService<IServiceProviderIsService>();
        if (!isService.IsService(typeof(ScimRuntime)))
        {
            throw new InvalidOperationException("The SCIM services are not registered: call builder.Services.AddJostleScim(...) before MapJostleScim.");
        }

        if (!isService.IsService(typeof(IScimUserStore)))
        {
            throw new InvalidOperationException("No IScimUserStore is registered: call AddJostleScim(...).AddUserStore<T>() or AddInMemoryStores().");
        }

        var options = services.GetRequiredService<IOptions<JostleScimOptions>>().Value;
        if (options.Passwords == Jostle.Scim.Service.ScimPasswordHandling.HandToHost && !isService.IsService(typeof(Jostle.Scim.Service.IScimPasswordSink)))
        {
            throw new InvalidOperationException(
                "JostleScimOptions.Passwords is HandToHost but no IScimPasswordSink is registered: call builder.Services.AddSingleton<IScimPasswordSink, YourSink>().");
        }

        var group = endpoints.MapGroup(prefix);
        group.WithMetadata(ScimEndpointMetadata.Instance, new ScimBasePathMetadata(prefix));
        if (options.AuthorizationPolicy is not null)
        {
            group.RequireAuthorization(options.AuthorizationPolicy);
        }
        else if (options.AuthenticationScheme is not null)
        {
            group.RequireAuthorization(new AuthorizationPolicyBuilder(options.AuthenticationScheme.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .RequireAuthenticatedUser()
                .Build());
        }
        else
        {
            group.RequireAuthorization();
        }

        ScimEndpoints.Map(group, prefix, servesGroups: isService.IsService(typeof(IScimGroupStore)));
        if (isService.IsService(typeof(Jostle.Scim.OAuth.ScimOAuthTokenService)))
        {
            // Beside the group, not in it: the token endpoint is anonymous (clients authenticate in the request).
            ScimOAuthTokenEndpoint.Map(endpoints, prefix);
        }

        return group;
    }
}
