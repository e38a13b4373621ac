using Jostle.Scim.AspNetCore;
using Jostle.Scim.EntityFrameworkCore;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the entity-mapped stores: SCIM Users (and Groups) kept in the host's own tables.</summary>
public static class JostleScimEntityStoreBuilderExtensions
{
    /// <summary>
    /// Serves SCIM from the host's own entities on <typeparamref name="TContext"/>: Users on the entity of
    /// <see cref="ScimEntityStoreBuilder{TContext}.Users{TUser}"/> and, when declared, Groups on the entity of
    /// <see cref="ScimEntityStoreBuilder{TContext}.Groups{TGroup}"/> (without it the host serves Users only). Each
    /// store call uses a context from the host's <see cref="IDbContextFactory{TContext}"/> when one is registered,
    /// else from a DI scope of its own (<c>AddDbContext</c>). The maps are checked against the schema registry and the
    /// EF model when the host starts; a problem fails start-up with a message naming the attribute and the member.
    /// The host owns its schema (migrations); the stores create no tables.
    /// </summary>
    /// <typeparam name="TContext">The host's DbContext.</typeparam>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Declares the maps.</param>
    /// <param name="options">Optional: what to do with unmapped attributes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="configure"/> declares no Users map.</exception>
    public static IJostleScimBuilder AddEntityStores<TContext>(this IJostleScimBuilder builder, Action<ScimEntityStoreBuilder<TContext>> configure, Action<ScimEntityStoreOptions>? options = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var maps = new ScimEntityStoreBuilder<TContext>();
        configure(maps);
        if (maps.UserMap is not { } userMap || maps.UserEntity is not { } userEntity)
        {
            throw new InvalidOperationException($"AddEntityStores<{typeof(TContext).Name}> needs a Users map: call scim.Users<TPerson>(user => user.Id(...).UserName(...)...).");
        }

        var storeOptions = new ScimEntityStoreOptions();
        options?.Invoke(storeOptions);
        var services = builder.Services;
        var userStore = typeof(EntityUserStore<,>).MakeGenericType(typeof(TContext), userEntity);
        services.Replace(ServiceDescriptor.Singleton(typeof(IScimUserStore), sp => Activator.CreateInstance(userStore, sp, userMap, storeOptions)!));
        if (maps.GroupMap is { } groupMap && maps.GroupEntity is { } groupEntity)
        {
            var groupStore = typeof(EntityGroupStore<,>).MakeGenericType(typeof(TContext), groupEntity);
            services.Replace(ServiceDescriptor.Singleton(typeof(IScimGroupStore), sp => Activator.CreateInstance(groupStore, sp, groupMap, maps.Members, storeOptions)!));
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EntityStoreStartupCheck>());
        return builder;
    }
}

/// <summary>Checks the entity maps when the host starts, so a map that does not fit fails start-up rather than the first request.</summary>
internal sealed class EntityStoreStartupCheck(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var store in new object?[] { services.GetService<IScimUserStore>(), services.GetService<IScimGroupStore>() })
        {
            if (store is IScimEntityStore entityStore)
            {
                await entityStore.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
