using Jostle.Scim.Patching;
using Jostle.Scim.Resources;
using Jostle.Scim.Schema;
using Microsoft.Extensions.Options;

using Jostle.Scim.AspNetCore;

namespace Jostle.Scim.Service;

/// <summary>The per-application state the endpoints share: options, registry and one resource engine per resource type.</summary>
internal sealed class ScimRuntime
{
    public ScimRuntime(IOptions<JostleScimOptions> options, SchemaRegistry registry, TimeProvider? timeProvider = null, IScimIdGenerator? ids = null)
    {
        Options = options.Value;
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

    public SchemaRegistry Registry { get; }

    public ScimResourceEngine Users { get; }

    public ScimResourceEngine Groups { get; }

    public PatchOptions PatchOptions { get; }

    public PatchOptions GroupDeltaPatchOptions { get; }

    public ScimResourceEngine Engine(ScimResourceKind kind) => kind == ScimResourceKind.User ? Users : Groups;
}

/// <summary>The resource types the endpoints serve.</summary>
internal enum ScimResourceKind
{
    User,
    Group,
}
