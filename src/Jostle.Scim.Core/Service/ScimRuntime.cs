using Jostle.Scim.Patching;
using Jostle.Scim.Resources;
using Jostle.Scim.Schema;
using Microsoft.Extensions.Options;

using Jostle.Scim.AspNetCore;

namespace Jostle.Scim.Service;

/// <summary>The per-application state the endpoints share: options, registry and one resource engine per resource type.</summary>
internal sealed class ScimRuntime
{
    public ScimRuntime(IOptions<JostleScimOptions> options, SchemaRegistry registry, TimeProvider? timeProvider = null, IScimIdGenerator? ids = null, IScimPasswordSink? passwordSink = null)
    {
        Options = options.Value;
        PasswordSink = passwordSink;

        Ids = ids ?? new GuidScimIdGenerator();
        Registry = registry;
        var resourceOptions = new ScimResourceOptions { Compatibility = Options.Compatibility, TimeProvider = timeProvider ?? TimeProvider.System };
        Users = new ScimResourceEngine(registry.GetResourceType("User"), resourceOptions);
        Groups = new ScimResourceEngine(registry.GetResourceType("Group"), resourceOptions);
        PatchOptions = new PatchOptions { Compatibility = Options.Compatibility };
        GroupDeltaPatchOptions = new PatchOptions { Compatibility = Options.Compatibility, MembershipDelta = true };
    }

    public JostleScimOptions Options { get; }

    public IScimIdGenerator Ids { get; }

    /// <summary>Where passwords go under <see cref="ScimPasswordHandling.HandToHost"/>.</summary>
    public IScimPasswordSink? PasswordSink { get; }

    public SchemaRegistry Registry { get; }

    public ScimResourceEngine Users { get; }

    public ScimResourceEngine Groups { get; }

    public PatchOptions PatchOptions { get; }

    public PatchOptions GroupDeltaPatchOptions { get; }

    public ScimResourceEngine Engine(ScimResourceKind kind) => kind == ScimResourceKind.User ? Users : Groups;

    /// <summary>The engine for a request whose rules may differ from the configured ones (a selected profile).</summary>
    public ScimResourceEngine Engine(ScimResourceKind kind, ScimCompatibility compatibility) =>
        compatibility == Options.Compatibility ? Engine(kind) : ForProfile(compatibility).Engine(kind);

    public PatchOptions PatchOptionsFor(ScimCompatibility compatibility) =>
        compatibility == Options.Compatibility ? PatchOptions : ForProfile(compatibility).Patch;

    public PatchOptions GroupDeltaPatchOptionsFor(ScimCompatibility compatibility) =>
        compatibility == Options.Compatibility ? GroupDeltaPatchOptions : ForProfile(compatibility).GroupDelta;

    private Profile ForProfile(ScimCompatibility compatibility) => _profiles.GetOrAdd(compatibility, c =>
    {
        var options = new ScimResourceOptions { Compatibility = c, TimeProvider = Users.Options.TimeProvider };
        return new Profile(
            new ScimResourceEngine(Users.ResourceType, options),
            new ScimResourceEngine(Groups.ResourceType, options),
            new PatchOptions { Compatibility = c },
            new PatchOptions { Compatibility = c, MembershipDelta = true });
    });

    private readonly System.Collections.Concurrent.ConcurrentDictionary<ScimCompatibility, Profile> _profiles = new();

    private sealed record Profile(ScimResourceEngine Users, ScimResourceEngine Groups, PatchOptions Patch, PatchOptions GroupDelta)
    {
        public ScimResourceEngine Engine(ScimResourceKind kind) => kind == ScimResourceKind.User ? Users : Groups;
    }
}

/// <summary>The resource types the endpoints serve.</summary>
internal enum ScimResourceKind
{
    User,
    Group,
}
