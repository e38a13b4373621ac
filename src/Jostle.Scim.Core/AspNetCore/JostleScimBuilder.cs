using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jostle.Scim.AspNetCore;

/// <summary>Plugs stores and schema extensions into the SCIM service; returned by <c>AddJostleScim</c>.</summary>
public interface IJostleScimBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>Registers the host's User store (a singleton, tenant-scoped through its arguments).</summary>
    /// <typeparam name="T">The store type.</typeparam>
    /// <returns>This builder.</returns>
    IJostleScimBuilder AddUserStore<T>()
        where T : class, IScimUserStore;

    /// <summary>Registers the host's Group store (a singleton, tenant-scoped through its arguments).</summary>
    /// <typeparam name="T">The store type.</typeparam>
    /// <returns>This builder.</returns>
    IJostleScimBuilder AddGroupStore<T>()
        where T : class, IScimGroupStore;

    /// <summary>Registers the thread-safe in-memory User and Group stores shipped in the package (tests, quick starts).</summary>
    /// <returns>This builder.</returns>
    IJostleScimBuilder AddInMemoryStores();

    /// <summary>Adds an extension schema to a resource type; it appears in <c>/Schemas</c> and <c>/ResourceTypes</c> and its attributes are validated, filtered and patched like core ones.</summary>
    /// <param name="schema">The extension schema.</param>
    /// <param name="resourceType">The resource type it extends. Default <c>User</c>.</param>
    /// <param name="required">Whether every resource must carry it.</param>
    /// <returns>This builder.</returns>
    IJostleScimBuilder AddSchemaExtension(SchemaDefinition schema, string resourceType = "User", bool required = false);
}

/// <summary>The registry changes the host asked for, applied when the registry is first built.</summary>
internal sealed class ScimSchemaSetup
{
    public List<Action<SchemaRegistry>> Changes { get; } = [];
}

internal sealed class JostleScimBuilder(IServiceCollection services) : IJostleScimBuilder
{
    public IServiceCollection Services { get; } = services;

    public IJostleScimBuilder AddUserStore<T>()
        where T : class, IScimUserStore
    {
        Services.Replace(ServiceDescriptor.Singleton<IScimUserStore, T>());
        return this;
    }

    public IJostleScimBuilder AddGroupStore<T>()
        where T : class, IScimGroupStore
    {
        Services.Replace(ServiceDescriptor.Singleton<IScimGroupStore, T>());
        return this;
    }

    public IJostleScimBuilder AddInMemoryStores()
    {
        Services.TryAddSingleton<InMemoryUserStore>();
        Services.TryAddSingleton<InMemoryGroupStore>();
        Services.Replace(ServiceDescriptor.Singleton<IScimUserStore>(sp => sp.GetRequiredService<InMemoryUserStore>()));
        Services.Replace(ServiceDescriptor.Singleton<IScimGroupStore>(sp => sp.GetRequiredService<InMemoryGroupStore>()));
        return this;
    }

    public IJostleScimBuilder AddSchemaExtension(SchemaDefinition schema, string resourceType = "User", bool required = false)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentException.ThrowIfNullOrEmpty(resourceType);
        Services.Configure<ScimSchemaSetup>(setup => setup.Changes.Add(registry => registry.AddSchemaExtension(resourceType, schema, required)));
        return this;
    }
}
