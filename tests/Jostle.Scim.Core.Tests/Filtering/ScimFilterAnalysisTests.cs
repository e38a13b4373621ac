using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Analysis;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Filtering;

/// <summary>The analyses stores use to pick an index before they run a filter.</summary>
public class ScimFilterAnalysisTests
{
    private static readonly ResourceTypeDefinition User = SchemaRegistry.CreateDefault().GetResourceType("User");

    [Theory]
    [InlineData("emails[type eq \"work\"].value eq \"a@b.c\"", "a@b.c")]
    [InlineData("emails[value eq \"a@b.c\" and type eq \"work\"]", "a@b.c")]
    [InlineData("emails.value eq \"a@b.c\"", "a@b.c")]
    [InlineData("emails eq \"a@b.c\"", "a@b.c")]
    [InlineData("active eq true and emails[type eq \"work\"].value eq \"a@b.c\"", "a@b.c")]
    [InlineData("emails[type eq \"work\"].value co \"a@b.c\"", null)]
    [InlineData("emails.type eq \"a@b.c\"", null)]
    [InlineData("userName eq \"x\" or emails.value eq \"a@b.c\"", null)]
    [InlineData("not (emails.value eq \"a@b.c\")", null)]
    [InlineData("emails[type eq \"work\" or value eq \"a@b.c\"]", null)]
    [InlineData("phoneNumbers.value eq \"a@b.c\"", null)]
    public void OnlyAnEmailEveryMatchMustHaveIsRequired(string filter, string? expected) =>
        Assert.Equal(expected, ScimFilterAnalysis.RequiredEmail(ScimFilter.Parse(filter)));

    [Theory]
    [InlineData("userName eq \"bjensen\"", "bjensen")]
    [InlineData("USERNAME eq \"bjensen\"", "bjensen")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"bjensen\"", "bjensen")]
    [InlineData("userName eq \"bjensen\" and active eq true", null)]
    [InlineData("userName sw \"bjensen\"", null)]
    [InlineData("userName ne \"bjensen\"", null)]
    [InlineData("userName eq null", null)]
    public void OnlyAPlainUserNameEqualityIsTheEntraLookup(string filter, string? expected) =>
        Assert.Equal(expected, ScimFilterAnalysis.UserNameEquality(ScimFilter.Parse(filter)));

    [Theory]
    [InlineData("userName eq \"a\"", "userName", "a")]
    [InlineData("active eq true and externalId eq \"e\"", "externalId", "e")]
    [InlineData("title eq \"x\" and userName eq \"a\"", "userName", "a")]
    [InlineData("userName eq \"a\" or externalId eq \"e\"", null, null)]
    [InlineData("title eq \"x\"", null, null)]
    [InlineData("emails.value eq \"a@b.c\"", null, null)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"7\"", null, null)]
    public void AnIndexableEqualityIsOneEveryMatchMustSatisfy(string filter, string? attribute, string? value)
    {
        var indexed = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "userName", "externalId", "employeeNumber" };
        var found = ScimFilterAnalysis.IndexableEquality(ScimFilter.Parse(filter), User, a => indexed.Contains(a.Name));
        Assert.Equal(attribute, found?.Attribute.Name);
        Assert.Equal(value, found?.Value);
    }

    [Theory]
    [InlineData("members[value eq \"u1\"]", true)]
    [InlineData("displayName eq \"x\" or not (MEMBERS pr)", true)]
    [InlineData("displayName eq \"x\"", false)]
    public void MentionsFindsAnAttributeAnywhereInTheFilter(string filter, bool expected) =>
        Assert.Equal(expected, ScimFilterAnalysis.Mentions(ScimFilter.Parse(filter), "members"));

    [Theory]
    [InlineData("value eq \"a\" or value eq \"b\"", "a,b")]
    [InlineData("value eq \"a\"", "a")]
    [InlineData("value eq \"a\" and type eq \"User\"", null)]
    [InlineData("value co \"a\"", null)]
    public void ValueEqualitiesListTheMembersARemovalNames(string filter, string? expected)
    {
        var values = ScimFilterAnalysis.ValueEqualities(ScimFilter.Parse(filter));
        Assert.Equal(expected, values is null ? null : string.Join(",", values));
    }
}
