using Jostle.Scim.Provisioning;
using static Jostle.Scim.Tests.Provisioning.InMemoryProvisioningLogTests;

namespace Jostle.Scim.Tests.Provisioning;

public sealed class ProvisioningFailureDigesterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly ProvisioningFailureNotificationOptions Options = new()
    {
        Interval = TimeSpan.FromMinutes(15),
        GatherDelay = TimeSpan.FromMinutes(1),
        MaxExamplesPerGroup = 2,
    };

    [Fact]
    public void ABurstOfFailuresBecomesOneDigestAfterTheGatherDelay()
    {
        var digester = new ProvisioningFailureDigester(Options);
        for (var i = 0; i < 500; i++)
        {
            digester.Add(Entry(T0.AddMilliseconds(i), status: 409, id: "u" + i, scimType: "uniqueness"), T0.AddMilliseconds(i));
        }

        Assert.Equal(T0 + Options.GatherDelay, digester.NextDue());
        Assert.Empty(digester.TakeDue(T0.AddSeconds(59)));
        var digest = Assert.Single(digester.TakeDue(T0.AddMinutes(1)));
        Assert.Equal("t1", digest.Tenant);
        Assert.Equal(500, digest.TotalFailures);
        Assert.Equal(T0, digest.From);
        Assert.Equal(T0.AddMilliseconds(499), digest.To);
        var group = Assert.Single(digest.Groups);
        Assert.Equal(500, group.Count);
        Assert.Equal(["u0", "u1"], group.Examples.Select(e => e.ResourceId));
        Assert.Null(digester.NextDue());
        Assert.Empty(digester.TakeDue(T0.AddHours(1)));
    }

    [Fact]
    public void FailuresAreGroupedByOperationResourceTypeStatusAndScimTypeMostFrequentFirst()
    {
        var digester = new ProvisioningFailureDigester(Options);
        void Add(int count, ProvisioningOperation op, string type, int status, string? scimType)
        {
            for (var i = 0; i < count; i++)
            {
                digester.Add(Entry(T0, status: status, type: type, id: $"{op}-{status}-{i}", operation: op, scimType: scimType), T0);
            }
        }

        Add(3, ProvisioningOperation.Create, "User", 409, "uniqueness");
        Add(5, ProvisioningOperation.Patch, "User", 400, "invalidValue");
        Add(1, ProvisioningOperation.Patch, "Group", 400, "invalidValue");
        Add(2, ProvisioningOperation.Create, "User", 400, "invalidValue");
        var digest = Assert.Single(digester.TakeDue(T0.AddMinutes(1)));
        Assert.Equal(11, digest.TotalFailures);
        Assert.Equal(
            ["Patch User 400 invalidValue ×5", "Create User 409 uniqueness ×3", "Create User 400 invalidValue ×2", "Patch Group 400 invalidValue ×1"],
            digest.Groups.Select(g => $"{g.Operation} {g.ResourceType} {g.Status} {g.ScimType} ×{g.Count}"));
        Assert.All(digest.Groups, g => Assert.Equal(Math.Min(g.Count, 2), g.Examples.Count));
        Assert.Equal("failed Patch-400-0", digest.Groups[0].Examples[0].Detail);
    }

    [Fact]
    public void ATenantGetsAtMostOneDigestPerInterval()
    {
        var digester = new ProvisioningFailureDigester(Options);
        digester.Add(Entry(T0, status: 500), T0);
        var sentAt = T0.AddMinutes(1);
        Assert.Single(digester.TakeDue(sentAt));

        var later = sentAt.AddMinutes(2);
        digester.Add(Entry(later, status: 500, id: "u2"), later);
        Assert.Equal(sentAt + Options.Interval, digester.NextDue());
        Assert.Empty(digester.TakeDue(sentAt + Options.Interval - TimeSpan.FromSeconds(1)));
        var second = Assert.Single(digester.TakeDue(sentAt + Options.Interval));
        Assert.Equal(1, second.TotalFailures);
        Assert.Equal("u2", second.Groups[0].Examples[0].ResourceId);
    }

    [Fact]
    public void TenantsAreDigestedIndependently()
    {
        var digester = new ProvisioningFailureDigester(Options);
        digester.Add(Entry(T0, tenant: "a", status: 500), T0);
        digester.Add(Entry(T0.AddSeconds(30), tenant: "b", status: 500), T0.AddSeconds(30));
        Assert.Equal(["a"], digester.TakeDue(T0.AddMinutes(1)).Select(d => d.Tenant));
        Assert.Equal(T0.AddSeconds(90), digester.NextDue());
        Assert.Equal(["b"], digester.TakeDue(T0.AddSeconds(90)).Select(d => d.Tenant));
    }

    [Fact]
    public void AfterAQuietIntervalAFailureIsDigestedAfterOnlyTheGatherDelay()
    {
        var digester = new ProvisioningFailureDigester(Options);
        digester.Add(Entry(T0, status: 500), T0);
        Assert.Single(digester.TakeDue(T0.AddMinutes(1)));
        Assert.Empty(digester.TakeDue(T0.AddHours(1))); // forgets the quiet tenant
        var next = T0.AddHours(2);
        digester.Add(Entry(next, status: 500), next);
        Assert.Equal(next + Options.GatherDelay, digester.NextDue());
    }

    [Fact]
    public void MoreCausesThanMaxGroupsStillCountInTheTotal()
    {
        var digester = new ProvisioningFailureDigester(new ProvisioningFailureNotificationOptions { MaxGroupsPerDigest = 2, GatherDelay = TimeSpan.Zero });
        for (var status = 400; status < 405; status++)
        {
            digester.Add(Entry(T0, status: status), T0);
        }

        var digest = Assert.Single(digester.TakeDue(T0));
        Assert.Equal(5, digest.TotalFailures);
        Assert.Equal(2, digest.Groups.Count);
    }
}
