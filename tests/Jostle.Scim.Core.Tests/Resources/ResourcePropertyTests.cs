using System.Text.Json.Nodes;
using CsCheck;

namespace Jostle.Scim.Tests.Resources;

public class ResourcePropertyTests
{
    private static readonly string[] UserAttributeNames =
    [
        "userName", "name", "name.givenName", "displayName", "password", "emails", "emails.value", "groups", "meta",
        "meta.created", "externalId", "id", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "nickname2",
    ];

    private static readonly JsonObject StoredUser = TestResourceTypes.Parse("""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "id":"2819c223","externalId":"e","userName":"bjensen","name":{"givenName":"Barbara","familyName":"Jensen"},"displayName":"Babs",
         "password":"t1meMa$heen","emails":[{"value":"b@x.org","type":"work"}],"groups":[{"value":"g1"}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops","employeeNumber":"7"},
         "meta":{"resourceType":"User","created":"2024-01-01T00:00:00Z"}}
        """);

    [Fact]
    public void EveryProjectionKeepsIdSchemasAndResourceTypeAndNeverThePassword()
    {
        var engine = TestResourceTypes.Engine("User");
        var names = Gen.Int[0, UserAttributeNames.Length - 1].Select(i => UserAttributeNames[i]).Array[0, 5];

        Gen.Select(names, names, Gen.Bool).Sample((attributes, excluded, useAttributes) =>
        {
            var output = engine.GetProjection(useAttributes ? string.Join(",", attributes) : null, string.Join(",", excluded)).Apply(StoredUser);

            Assert.Equal("2819c223", (string)output["id"]!);
            Assert.NotNull(output["schemas"]);
            Assert.Equal("User", (string)output["meta"]!["resourceType"]!);
            Assert.Null(output["password"]);
        });
    }

    [Fact]
    public void TheComparerIsAConsistentTotalOrder()
    {
        var engine = TestResourceTypes.Engine("Thing");
        var thing = Gen.Select(Gen.Int[0, 9999], Gen.Int[-3, 3], Gen.Bool).Select((id, count, hasCount) =>
            hasCount ? new JsonObject { ["id"] = $"t{id}", ["count"] = count } : new JsonObject { ["id"] = $"t{id}" });

        Gen.Select(thing, thing, thing, Gen.Bool).Sample((a, b, c, descending) =>
        {
            var comparer = engine.CreateComparer("count", descending ? "descending" : "ascending");

            Assert.Equal(Math.Sign(comparer.Compare(a, b)), -Math.Sign(comparer.Compare(b, a)));
            if (comparer.Compare(a, b) <= 0 && comparer.Compare(b, c) <= 0)
            {
                Assert.True(comparer.Compare(a, c) <= 0);
            }
        });
    }

    [Fact]
    public void ValidatingANormalisedDocumentAgainIsTheIdentity()
    {
        var engine = TestResourceTypes.Engine("Thing");
        var body = Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 8], Gen.Int.Nullable(), Gen.Bool.Nullable(), Gen.String[Gen.Char.AlphaNumeric, 0, 3].Array[0, 3])
            .Select((label, count, enabled, tags) => new JsonObject
            {
                ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode?)JsonValue.Create(t))]),
                ["enabled"] = enabled is null ? null : JsonValue.Create(enabled.Value ? "True" : "false"),
                ["count"] = count,
                ["LABEL"] = label,
            });

        body.Sample(b =>
        {
            var once = engine.ValidateForCreate(b).Document;
            var twice = engine.ValidateForCreate(once).Document;

            Assert.Equal(once.ToJsonString(), twice.ToJsonString());
        });
    }
}
