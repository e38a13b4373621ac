using Jostle.Scim.Tests.Shared;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>Pins the public API of Jostle.Scim.EntityFrameworkCore to a committed file (see <see cref="PublicApiApproval"/>).</summary>
public class PublicApiApprovalTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedFile() =>
        PublicApiApproval.AssertApproved(typeof(ScimDbContext).Assembly, "Jostle.Scim.EntityFrameworkCore", "Jostle.Scim.EntityFrameworkCore.Tests");
}
