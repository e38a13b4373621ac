using Jostle.Scim.Tests.Shared;

namespace Jostle.Scim.Console.Tests;

/// <summary>Pins the public API of Jostle.Scim.Console to a committed file (see <see cref="PublicApiApproval"/>).</summary>
public class PublicApiApprovalTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedFile() =>
        PublicApiApproval.AssertApproved(typeof(Jostle.Scim.AdminConsole.ScimConsoleOptions).Assembly, "Jostle.Scim.Console", "Jostle.Scim.Console.Tests");
}
