using System.Text.Json.Nodes;
using Jostle.Scim.Filtering.Compilation.Element;
using static Jostle.Scim.Patching.PatchJson;

namespace Jostle.Scim.Patching;

/// <summary>
/// Membership-delta mode (<see cref="PatchOptions.MembershipDelta"/>): operations on a group's <c>members</c> are recorded
/// in the session's <see cref="MembershipDelta"/> instead of being applied to a member list that was never loaded.
/// </summary>
internal static class MembershipDeltaRecorder
{
    public static void Record(PatchSession session, PatchOperationType op, PatchTarget target, JsonNode? value)
    {
        var delta = session.Delta!;
        if (target.Filter is not null)
        {
            foreach (var id in ElementFilter.ValueEqualities(target.FilterText!)!)
            {
                delta.Remove(id);
            }

            return;
        }

        switch (op)
        {
            case PatchOperationType.Remove when value is null:
                delta.Clear();
                return;
            case PatchOperationType.Remove:
                foreach (var selection in PatchCompatibilityRules.SelectionsToRemove(session, target.Attribute, value))
                {
                    delta.Remove(MemberId(session, selection));
                }

                return;
            case PatchOperationType.Replace:
                delta.Clear();
                break;
        }

        foreach (var member in Detach((JsonArray)ValueCoercion.Coerce(session, target.Attribute, value, target.Attribute.Name)).Cast<JsonObject>())
        {
            delta.Add(MemberId(session, member), member);
        }
    }

    private static string MemberId(PatchSession session, JsonObject member) =>
        JsonMemberLookup.Get(member, "value") is JsonValue v && v.TryGetValue<string>(out var id) && id.Length > 0
            ? id
            : throw session.Fail(ScimErrorType.InvalidValue, "each member needs a \"value\" (the member's id).");
}
