using Jostle.Scim.Testing;
using Jostle.Scim.Tests.Shared;
using Xunit.Sdk;

namespace Jostle.Scim.Tests.Clients;

/// <summary>
/// A host whose app does not serve a provider's shapes gets a failure naming the request and what was expected: the
/// kit's profile suites run here against tenants under the wrong profile (Strict), where they must fail.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class ProfileSuiteFailureTests(InMemoryConformanceTests.App app) : IClassFixture<InMemoryConformanceTests.App>
{
    [Fact]
    public async Task OneLoginsTemplateUnderTheStrictProfileFailsNamingThePostAndThe201ItExpected()
    {
        var suite = new OneLoginUnderStrict(app);
        await suite.InitializeAsync();

        var failure = await Assert.ThrowsAnyAsync<XunitException>(suite.ATemplateWithTheScim11UrnANullIdAndStringBooleansCreatesAScim2User);
        await suite.DisposeAsync();

        Assert.Contains("POST /scim/v2/Users {\"schemas\":[\"urn:scim:schemas:core:1.0\"]", failure.Message, StringComparison.Ordinal);
        Assert.Contains("answered 400, expected 201", failure.Message, StringComparison.Ordinal);
        Assert.Contains("urn:scim:schemas:core:1.0", failure.Message[failure.Message.IndexOf("expected 201", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    private sealed class OneLoginUnderStrict(InMemoryConformanceTests.App app) : OneLoginConformanceTests
    {
        protected override Task<HttpClient> CreateClientAsync() => app.ClientForProfileAsync("Strict");
    }
}
