using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Jostle.Scim.Patching;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// PATCH: a typical Entra ID user update, parsed from text and applied — the operation benchmarks/run-patch-bench.sh
/// compares with scim-patch (benchmarks/peer/patch-peer.js). A class of its own so that no 100 000-member group
/// sits in the heap while it runs.
/// </summary>
[MemoryDiagnoser]
public class EntraPatchBenchmarks
{
    private static readonly ResourceTypeDefinition UserType = SchemaRegistry.CreateDefault().GetResourceType("User");
    private JsonObject _user = null!;

    [GlobalSetup]
    public void Setup() => _user = (JsonObject)JsonNode.Parse(PatchBenchmarks.EntraUser)!;

    /// <summary>Parse and apply the Entra user update.</summary>
    [Benchmark]
    public JsonObject EntraUserUpdate() => PatchApplier.Apply(_user, PatchRequest.Parse(PatchBenchmarks.EntraUserPatch), UserType).Resource;
}

/// <summary>
/// PATCH: adding one member to a group of 10 or 100 000 members, in membership-delta mode (constant cost) and, for
/// contrast, in document mode. The Entra user update is in <see cref="EntraPatchBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class PatchBenchmarks
{
    internal const string EntraUserPatch = """
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
          {"op":"Replace","path":"displayName","value":"Barbara J"},
          {"op":"Replace","path":"name.givenName","value":"Barbara"},
          {"op":"Replace","path":"name.familyName","value":"Jensen-Smith"},
          {"op":"Replace","path":"title","value":"Engineer"},
          {"op":"Replace","path":"active","value":"False"},
          {"op":"Replace","path":"emails[type eq \"work\"].value","value":"bjs@work.example"}]}
        """;

    internal const string EntraUser = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","externalId":"e1","userName":"bjensen@example.com","active":true,
         "displayName":"Barbara","name":{"givenName":"Barb","familyName":"Jensen"},"title":"Dev",
         "emails":[{"value":"bj@work.example","type":"work","primary":true},{"value":"bj@home.example","type":"home"}],
         "meta":{"resourceType":"User","created":"2024-01-01T00:00:00Z","lastModified":"2024-01-01T00:00:00Z","version":"W/\"1\""}}
        """;

    private const string AddMember = """
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"new-member"}]}]}
        """;

    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();
    private static readonly ResourceTypeDefinition GroupType = Registry.GetResourceType("Group");
    private static readonly PatchOptions DeltaMode = new() { MembershipDelta = true };

    private JsonObject _group = null!;
    private JsonObject _groupWithoutMembers = null!;
    private PatchRequest _addMember = null!;

    /// <summary>Members in the group.</summary>
    [Params(10, 100_000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var members = new JsonArray();
        for (var i = 0; i < Members; i++)
        {
            members.Add(new JsonObject { ["value"] = "member-" + i, ["type"] = "User" });
        }

        _groupWithoutMembers = new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"), ["id"] = "g1", ["displayName"] = "Big" };
        _group = (JsonObject)_groupWithoutMembers.DeepClone();
        _group["members"] = members;
        _addMember = PatchRequest.Parse(AddMember);
    }

    /// <summary>Add one member in delta mode to the group as a store would load it: without members.</summary>
    [Benchmark]
    public MembershipDelta? AddMemberDelta() => PatchApplier.Apply(_groupWithoutMembers, _addMember, GroupType, DeltaMode).Membership;

    /// <summary>Add one member in delta mode when the caller passes the whole group anyway (members are not cloned).</summary>
    [Benchmark]
    public MembershipDelta? AddMemberDeltaFullDocument() => PatchApplier.Apply(_group, _addMember, GroupType, DeltaMode).Membership;

    /// <summary>Add one member in document mode: clones and scans the member list.</summary>
    [Benchmark]
    public JsonObject AddMemberDocumentMode() => PatchApplier.Apply(_group, _addMember, GroupType).Resource;
}
