using Jostle.Scim.Filtering;
using Jostle.Scim.Tests.Shared;

namespace Jostle.Scim.Tests;

/// <summary>Pins the public APIs of Jostle.Scim.Core and Jostle.Scim.Testing to committed files (see <see cref="PublicApiApproval"/>).</summary>
public class PublicApiApprovalTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedFile() => PublicApiApproval.AssertApproved(typeof(ScimFilter).Assembly, "Jostle.Scim.Core", "Jostle.Scim.Core.Tests");

    /// <summary>The conformance kit (<c>Jostle.Scim.Testing</c>) is a published package too: its suites, factories and helpers are API.</summary>
    [Fact]
    public void TheTestingPackagesPublicApiMatchesTheApprovedFile() =>
        PublicApiApproval.AssertApproved(typeof(Jostle.Scim.Testing.ScimConformanceSuite).Assembly, "Jostle.Scim.Testing", "Jostle.Scim.Core.Tests");
}
