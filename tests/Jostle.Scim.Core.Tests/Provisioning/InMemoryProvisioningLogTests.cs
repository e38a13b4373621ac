using Jostle.Scim.Provisioning;
using Microsoft.Extensions.Time.Testing;

namespace Jostle.Scim.Tests.Provisioning;

public sealed class InMemoryProvisioningLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static ProvisioningLogEntry Entry(
        DateTimeOffset at, string tenant = "t1", int status = 201, string type = "User", string id = "u1", ProvisioningOperation operation = ProvisioningOperation.Create, string? scimType = null) => new()
        {
            Timestamp = at,
            Tenant = tenant,
            Operation = operation,
            ResourceType = type,
            ResourceId = id,
            Status = status,
            ScimType = scimType,
            Detail = status >= 400 ? "failed " + id : null,
            CorrelationId = "c-" + id,
        };

    private static async Task<List<ProvisioningLogEntry>> AllPagesAsync(InMemoryProvisioningLog log, ProvisioningLogQuery query)
    {
        var all = new List<ProvisioningLogEntry>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await log.QueryAsync(query with { ContinuationToken = token });
            Assert.True(page.Entries.Count <= query.PageSize);
            Assert.True(page.ContinuationToken is null || page.Entries.Count == query.PageSize);
            all.AddRange(page.Entries);
            token = page.ContinuationToken;
            Assert.True(++pages < 1000);
        }
        while (token is not null);

        return all;
    }

    [Fact]
    public async Task QueriesFilterByTenantTimeRangeOutcomeAndResource()
    {
        var time = new FakeTimeProvider(Start);
        var log = new InMemoryProvisioningLog(timeProvider: time);
        await log.WriteAsync(Entry(Start, "t1", 201, "User", "u1"));
        await log.WriteAsync(Entry(Start.AddMinutes(1), "t2", 201, "User", "u2"));
        await log.WriteAsync(Entry(Start.AddMinutes(2), "t1", 409, "User", "u3", scimType: "uniqueness"));
        await log.WriteAsync(Entry(Start.AddMinutes(3), "t1", 204, "Group", "g1", ProvisioningOperation.Patch));
        await log.WriteAsync(Entry(Start.AddMinutes(4), "t1", 404, "Group", "g2", ProvisioningOperation.Get));

        static string Ids(ProvisioningLogPage page) => string.Join(",", page.Entries.Select(e => e.ResourceId));

        Assert.Equal("g2,g1,u3,u1", Ids(await log.QueryAsync(new ProvisioningLogQuery { Tenant = "t1" })));
        Assert.Equal("u2", Ids(await log.QueryAsync(new ProvisioningLogQuery { Tenant = "t2" })));
        Assert.Equal("g2,g1,u3,u2,u1", Ids(await log.QueryAsync(new ProvisioningLogQuery())));
        Assert.Equal("g2,u3", Ids(await log.QueryAsync(new ProvisioningLogQuery { Tenant = "t1", Outcome = ProvisioningOutcomeFilter.Failure })));
        Assert.Equal("g1,u1", Ids(await log.QueryAsync(new ProvisioningLogQuery { Tenant = "t1", Outcome = ProvisioningOutcomeFilter.Success })));
        Assert.Equal("u3,u2", Ids(await log.QueryAsync(new ProvisioningLogQuery { From = Start.AddMinutes(1), To = Start.AddMinutes(3) })));
        Assert.Equal("g2,g1", Ids(await log.QueryAsync(new ProvisioningLogQuery { ResourceType = "group" })));
        Assert.Equal("u3", Ids(await log.QueryAsync(new ProvisioningLogQuery { ResourceId = "u3" })));
        Assert.Equal("", Ids(await log.QueryAsync(new ProvisioningLogQuery { Tenant = "t2", ResourceType = "Group" })));
    }

    [Fact]
    public async Task PagesAreNewestFirstAndTogetherReturnEveryMatchOnce()
    {
        var time = new FakeTimeProvider(Start);
        var log = new InMemoryProvisioningLog(timeProvider: time);
        for (var i = 0; i < 95; i++)
        {
            await log.WriteAsync(Entry(Start.AddSeconds(i), i % 3 == 0 ? "t2" : "t1", id: "r" + i));
        }

        foreach (var size in new[] { 1, 7, 10, 63, 64, 1000 })
        {
            var all = await AllPagesAsync(log, new ProvisioningLogQuery { Tenant = "t1", PageSize = size });
            var expected = Enumerable.Range(0, 95).Where(i => i % 3 != 0).Reverse().Select(i => "r" + i).ToList();
            Assert.Equal(expected, all.Select(e => e.ResourceId));
        }
    }

    [Fact]
    public async Task AnExactlyFullLastPageHasNoContinuation()
    {
        var log = new InMemoryProvisioningLog();
        for (var i = 0; i < 4; i++)
        {
            await log.WriteAsync(Entry(DateTimeOffset.UtcNow, id: "r" + i));
        }

        var first = await log.QueryAsync(new ProvisioningLogQuery { PageSize = 2 });
        Assert.NotNull(first.ContinuationToken);
        var second = await log.QueryAsync(new ProvisioningLogQuery { PageSize = 2, ContinuationToken = first.ContinuationToken });
        Assert.Equal(["r1", "r0"], second.Entries.Select(e => e.ResourceId));
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public async Task PagingContinuesCorrectlyWhileRecordsAreAdded()
    {
        var log = new InMemoryProvisioningLog();
        for (var i = 0; i < 6; i++)
        {
            await log.WriteAsync(Entry(DateTimeOffset.UtcNow, id: "r" + i));
        }

        var first = await log.QueryAsync(new ProvisioningLogQuery { PageSize = 3 });
        await log.WriteAsync(Entry(DateTimeOffset.UtcNow, id: "new"));
        var second = await log.QueryAsync(new ProvisioningLogQuery { PageSize = 3, ContinuationToken = first.ContinuationToken });
        Assert.Equal(["r5", "r4", "r3"], first.Entries.Select(e => e.ResourceId));
        Assert.Equal(["r2", "r1", "r0"], second.Entries.Select(e => e.ResourceId));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("0")]
    public async Task AForeignContinuationTokenIsRefused(string token)
    {
        var log = new InMemoryProvisioningLog();
        await Assert.ThrowsAsync<ArgumentException>(async () => await log.QueryAsync(new ProvisioningLogQuery { ContinuationToken = token }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task APageSizeOutOfRangeIsRefused(int size)
    {
        var log = new InMemoryProvisioningLog();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await log.QueryAsync(new ProvisioningLogQuery { PageSize = size }));
    }

    [Fact]
    public async Task RetentionByCountKeepsTheNewestRecords()
    {
        var log = new InMemoryProvisioningLog(new ProvisioningLogOptions { MaxEntries = 100 });
        for (var i = 0; i < 5000; i++)
        {
            await log.WriteAsync(Entry(DateTimeOffset.UtcNow, id: "r" + i));
            Assert.True(log.Count <= 100);
        }

        var all = await AllPagesAsync(log, new ProvisioningLogQuery { PageSize = 30 });
        Assert.Equal(Enumerable.Range(4900, 100).Reverse().Select(i => "r" + i), all.Select(e => e.ResourceId));
    }

    [Fact]
    public async Task RetentionByAgeDropsRecordsOlderThanMaxAge()
    {
        var time = new FakeTimeProvider(Start);
        var log = new InMemoryProvisioningLog(new ProvisioningLogOptions { MaxAge = TimeSpan.FromDays(7) }, time);
        for (var day = 0; day < 10; day++)
        {
            await log.WriteAsync(Entry(time.GetUtcNow(), id: "d" + day));
            time.Advance(TimeSpan.FromDays(1));
        }

        // The last write (day 9) dropped d0 and d1. Now is day 10: d2 has expired too, and a query neither returns nor keeps it.
        Assert.Equal(8, log.Count);
        var all = await AllPagesAsync(log, new ProvisioningLogQuery());
        Assert.Equal(["d9", "d8", "d7", "d6", "d5", "d4", "d3"], all.Select(e => e.ResourceId));
        Assert.Equal(7, log.Count);

        time.Advance(TimeSpan.FromDays(30));
        Assert.Empty((await log.QueryAsync(new ProvisioningLogQuery())).Entries);
        Assert.Equal(0, log.Count);
    }

    [Fact]
    public async Task ConcurrentWritersNeverExceedTheBoundAndLoseNothingWithinIt()
    {
        var log = new InMemoryProvisioningLog(new ProvisioningLogOptions { MaxEntries = 50_000 });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 5000; i++)
            {
                await log.WriteAsync(Entry(DateTimeOffset.UtcNow, "t" + w, id: w + "-" + i));
            }
        })));
        Assert.Equal(20_000, log.Count);
        var t2 = await AllPagesAsync(log, new ProvisioningLogQuery { Tenant = "t2", PageSize = 1000 });
        Assert.Equal(Enumerable.Range(0, 5000).Reverse().Select(i => "2-" + i), t2.Select(e => e.ResourceId));
    }
}
