using Jostle.Scim.AspNetCore;
using Jostle.Scim.Filtering;
using Jostle.Scim.Provisioning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>The database provisioning log, on whatever database a subclass provides (one fresh database per test).</summary>
public abstract class EfProvisioningLogTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected EfProvisioningLogTests()
    {
        Database = CreateDatabase();
        Time = new FakeTimeProvider(T0.AddMinutes(30));
    }

    protected ITestDatabase Database { get; }

    private FakeTimeProvider Time { get; }

    protected abstract ITestDatabase CreateDatabase();

    public void Dispose()
    {
        Database.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task AFlushedRecordComesBackWithEveryField()
    {
        await using var log = CreateLog();
        var entry = new ProvisioningLogEntry
        {
            Timestamp = new DateTimeOffset(2026, 3, 1, 14, 5, 6, 789, TimeSpan.FromHours(2)),
            Tenant = "tenant-a",
            Actor = "automation",
            KeyId = "00000000000000aa",
            Operation = ProvisioningOperation.Patch,
            ResourceType = "User",
            ResourceId = "u1",
            UserName = "jo@example.com",
            ExternalId = "ext-1",
            DisplayName = "Jo",
            Status = 400,
            ScimType = "invalidValue",
            Detail = "active must be a boolean",
            Duration = TimeSpan.FromMilliseconds(12.5),
            CompatibilityRules = ScimCompatibility.StringBooleans | ScimCompatibility.CaseInsensitivePatchOp,
            FilterRules = FilterCompatibility.UnquotedValues,
            CorrelationId = "corr-1",
            BulkId = "b1",
        };

        await log.WriteAsync(entry);
        await log.FlushAsync();

        var page = await log.QueryAsync(new ProvisioningLogQuery());
        Assert.Equal(entry, Assert.Single(page.Entries));
        Assert.Null(page.ContinuationToken);
        await using var context = await Database.Factory.CreateDbContextAsync();
        var row = await context.ProvisioningLog.AsNoTracking().SingleAsync();
        Assert.Equal("[\"StringBooleans\",\"CaseInsensitivePatchOp\"]", row.CompatibilityRules);
        Assert.Equal("Patch", row.Operation);
    }

    [Fact]
    public async Task QueriesMatchEveryCriterionInTheDatabase()
    {
        await using var log = CreateLog();
        await WriteAllAsync(log,
            Entry("a1", "tenant-a", T0.AddMinutes(1), 201, "User", "u1"),
            Entry("a2", "tenant-a", T0.AddMinutes(2), 409, "User", "u2"),
            Entry("a3", "tenant-a", T0.AddMinutes(3), 204, "Group", "g1"),
            Entry("a4", "tenant-a", T0.AddMinutes(4), 404, "Group", "g1"),
            Entry("b1", "tenant-b", T0.AddMinutes(5), 201, "User", "u1"));

        Assert.Equal(["a4", "a3", "a2", "a1"], await IdsAsync(log, new() { Tenant = "tenant-a" }));
        Assert.Equal(["b1", "a4", "a3", "a2", "a1"], await IdsAsync(log, new()));
        Assert.Equal(["a4", "a2"], await IdsAsync(log, new() { Tenant = "tenant-a", Outcome = ProvisioningOutcomeFilter.Failure }));
        Assert.Equal(["b1", "a3", "a1"], await IdsAsync(log, new() { Outcome = ProvisioningOutcomeFilter.Success }));
        Assert.Equal(["a4", "a3"], await IdsAsync(log, new() { ResourceType = "group" }));
        Assert.Equal(["b1", "a1"], await IdsAsync(log, new() { ResourceId = "u1" }));
        Assert.Equal(["a1"], await IdsAsync(log, new() { Tenant = "tenant-a", ResourceType = "USER", ResourceId = "u1" }));
        Assert.Equal(["a3", "a2"], await IdsAsync(log, new() { From = T0.AddMinutes(2), To = T0.AddMinutes(4) }));
        Assert.Empty(await IdsAsync(log, new() { Tenant = "tenant-c" }));
    }

    [Fact]
    public async Task PagesWalkRecordsWithEqualTimestampsNewestFirstWithoutLossOrRepeat()
    {
        await using var log = CreateLog(o => o.ProvisioningLogBatchSize = 3);
        var entries = Enumerable.Range(0, 23)
            .Select(i => Entry($"e{i:00}", i % 2 == 0 ? "tenant-a" : "tenant-b", T0.AddSeconds(i / 5), 201, "User", $"u{i}"))
            .ToArray();
        await WriteAllAsync(log, entries);

        var seen = new List<string>();
        var query = new ProvisioningLogQuery { PageSize = 4 };
        var pages = 0;
        do
        {
            var page = await log.QueryAsync(query);
            Assert.InRange(page.Entries.Count, 1, 4);
            seen.AddRange(page.Entries.Select(e => e.CorrelationId));
            query = query with { ContinuationToken = page.ContinuationToken };
            pages++;
        }
        while (query.ContinuationToken is not null);

        Assert.Equal(6, pages);
        Assert.Equal(23, seen.Distinct().Count());
        Assert.Equal(entries.Reverse().Select(e => e.CorrelationId), seen); // Newest first; equal timestamps newest-written first.
        Assert.Equal(12, (await AllPagesAsync(log, new() { Tenant = "tenant-a", PageSize = 5 })).Count);
    }

    [Fact]
    public async Task RecordsArrivingWithinTheWriteDelayGoIntoOneInsert()
    {
        await using var log = CreateLog(o => o.ProvisioningLogWriteDelay = TimeSpan.FromSeconds(5));
        var entries = Enumerable.Range(0, 20).Select(i => Entry($"d{i:00}", "tenant-a", T0.AddSeconds(i), 201, "User", $"u{i}")).ToArray();
        await log.WriteAsync(Entry("w0", "tenant-b", T0, 201, "User", "w0"));
        await log.FlushAsync(); // The database is created and the writer idle before the records under test arrive.
        var insertsBefore = log.InsertCount;

        await log.WriteAsync(entries[0]);
        await Task.Delay(300); // Without the delay, the first record would be written on its own by now.
        foreach (var entry in entries.Skip(1))
        {
            await log.WriteAsync(entry);
        }

        // No flush: the writer woke on the first record, waits out the delay and writes all twenty at once.
        var written = 0;
        for (var i = 0; i < 200 && written < entries.Length; i++)
        {
            await Task.Delay(50);
            written = (await log.QueryAsync(new ProvisioningLogQuery { Tenant = "tenant-a", PageSize = 100 })).Entries.Count;
        }

        Assert.Equal(entries.Length, written);
        Assert.Equal(insertsBefore + 1, log.InsertCount);
    }

    [Fact]
    public async Task AFlushDoesNotWaitForTheWriteDelay()
    {
        await using var log = CreateLog(o => o.ProvisioningLogWriteDelay = TimeSpan.FromHours(1));
        await log.WriteAsync(Entry("f1", "tenant-a", T0, 201, "User", "u1"));
        await log.WriteAsync(Entry("f2", "tenant-a", T0, 201, "User", "u2"));

        // Were the flush to wait for the delay, this would time out after a minute.
        await log.FlushAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(2, await RowCountAsync());
    }

    [Fact]
    public void ANegativeWriteDelayIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CreateLog(o => o.ProvisioningLogWriteDelay = TimeSpan.FromMilliseconds(-1)));
    }

    [Fact]
    public async Task AForeignContinuationTokenOrPageSizeIsRefused()
    {
        await using var log = CreateLog();

        await Assert.ThrowsAsync<ArgumentException>(async () => await log.QueryAsync(new() { ContinuationToken = "abc" }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await log.QueryAsync(new() { ContinuationToken = "12." }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await log.QueryAsync(new() { PageSize = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await log.QueryAsync(new() { PageSize = 1001 }));
    }

    [Fact]
    public async Task TheWriterDeletesRecordsOlderThanTheMaximumAgeAndQueriesNeverReturnThem()
    {
        await using var log = CreateLog(o => o.ProvisioningLogRetentionInterval = TimeSpan.FromMinutes(10), maxAge: TimeSpan.FromHours(1));
        await WriteAllAsync(log,
            Entry("old", "tenant-a", T0, 201, "User", "u1"),
            Entry("new", "tenant-a", T0.AddMinutes(50), 201, "User", "u2"));
        Assert.Equal(["new", "old"], await IdsAsync(log, new()));

        Time.Advance(TimeSpan.FromMinutes(40)); // now T0 + 70 min: "old" is expired, "new" is not.
        Assert.Equal(["new"], await IdsAsync(log, new()));
        await WaitUntilAsync(async () => await RowCountAsync() == 1);

        await using var context = await Database.Factory.CreateDbContextAsync();
        Assert.Equal("new", (await context.ProvisioningLog.SingleAsync()).CorrelationId);
    }

    [Fact]
    public async Task AtASteadyRateTheRetentionPassKeepsTheLogAtItsMaximumAgeAndTheFileStopsGrowing()
    {
        // The soak's question (docs/resilience.md): a log written and purged at the same rate must level off — the
        // retention pass deletes as many records as arrive, and on SQLite the pages they free are reused, so the file
        // stops growing once the log holds a whole retention period.
        const int PerMinute = 40;
        await using var log = CreateLog(o => o.ProvisioningLogRetentionInterval = TimeSpan.FromMinutes(1), maxAge: TimeSpan.FromMinutes(10));
        var pages = new List<long>();
        for (var minute = 0; minute < 30; minute++)
        {
            var now = Time.GetUtcNow();
            await WriteAllAsync(log, [.. Enumerable.Range(0, PerMinute).Select(i => SteadyEntry(now, minute, i))]);
            Time.Advance(TimeSpan.FromMinutes(1));

            // Expired means older than ten minutes: the last ten minutes' records stay.
            var expected = Math.Min(minute + 1, 10) * PerMinute;
            await WaitUntilAsync(async () => await RowCountAsync() == expected);
            if (Database is SqliteDatabase)
            {
                pages.Add(await SqlitePageCountAsync());
            }
        }

        if (pages.Count > 0)
        {
            // While the log fills (minutes 1-10) it takes about five new pages a minute; from minute 11 on it holds the
            // same number of records of the same size, so once the b-trees have settled (a page or so, by minute 16) the
            // file must stay put. Freed pages that were not reused would keep it growing at the first rate.
            var trace = $"pages per minute {string.Join(", ", pages)}";
            Assert.True(pages[9] - pages[0] >= 20, $"The test must write enough to need new pages at all: {trace}.");
            Assert.True(pages[^1] - pages[15] <= 2, $"The file kept growing after the log levelled off: {trace}.");
        }
    }

    [Fact]
    public async Task AFullQueueDropsRecordsWithAWarningInsteadOfBlocking()
    {
        var gate = new GatedFactory(Database.Factory);
        var logger = new RecordingLogger();
        await using var log = new EfProvisioningLog(gate, new ProvisioningLogOptions(), new ScimEntityFrameworkOptions { ProvisioningLogQueueCapacity = 2 }, logger, Time);

        var writes = Enumerable.Range(0, 5).Select(i => log.WriteAsync(Entry($"e{i}", "tenant-a", T0.AddSeconds(i), 201, "User", "u"))).ToArray();

        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully));
        Assert.Equal(3, log.DroppedCount);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("queue is full", warning.Message, StringComparison.Ordinal);

        gate.Open();
        await log.FlushAsync();
        Assert.Equal(["e1", "e0"], await IdsAsync(log, new()));
    }

    [Fact]
    public async Task StoppingWaitsUntilEveryQueuedRecordIsWritten()
    {
        var gate = new GatedFactory(Database.Factory);
        var log = new EfProvisioningLog(gate, new ProvisioningLogOptions(), new ScimEntityFrameworkOptions(), null, Time);
        await log.StartAsync(CancellationToken.None);
        for (var i = 0; i < 50; i++)
        {
            await log.WriteAsync(Entry($"e{i}", "tenant-a", T0.AddSeconds(i), 201, "User", "u"));
        }

        var stopping = log.StopAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(stopping.IsCompleted);
        gate.Open();
        await stopping;

        // A record that arrives after shutdown began is written directly.
        await log.WriteAsync(Entry("late", "tenant-a", T0.AddMinutes(5), 201, "User", "u"));
        await log.DisposeAsync();

        Assert.Equal(51, await RowCountAsync());
    }

    [Fact]
    public async Task RecordsOutliveTheServiceProviderThatWroteThem()
    {
        await using (var first = BuildProvider())
        {
            var sinks = first.GetServices<IProvisioningLogSink>().ToArray();
            Assert.IsType<EfProvisioningLog>(Assert.Single(sinks));
            await sinks[0].WriteAsync(Entry("kept", "tenant-a", Time.GetUtcNow(), 201, "User", "u1"));
        }

        await using var second = BuildProvider();
        var page = await second.GetRequiredService<IProvisioningLogReader>().QueryAsync(new() { Tenant = "tenant-a" });
        Assert.Equal("kept", Assert.Single(page.Entries).CorrelationId);
    }

    private ServiceProvider BuildProvider()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddJostleScim().AddProvisioningLog().AddEntityFrameworkStores(Database.Configure);
        return services.BuildServiceProvider();
    }

    private EfProvisioningLog CreateLog(Action<ScimEntityFrameworkOptions>? configure = null, TimeSpan? maxAge = null) =>
        CreateLog(configure, Database.Factory, maxAge);

    private EfProvisioningLog CreateLog(Action<ScimEntityFrameworkOptions>? configure, IDbContextFactory<ScimDbContext> factory, TimeSpan? maxAge)
    {
        var options = new ScimEntityFrameworkOptions();
        configure?.Invoke(options);
        return new EfProvisioningLog(factory, new ProvisioningLogOptions { MaxAge = maxAge ?? TimeSpan.FromDays(30) }, options, null, Time);
    }

    private async Task<int> RowCountAsync()
    {
        await using var context = await Database.Factory.CreateDbContextAsync();
        return await context.ProvisioningLog.CountAsync();
    }

    private static async Task WriteAllAsync(EfProvisioningLog log, params ProvisioningLogEntry[] entries)
    {
        foreach (var entry in entries)
        {
            await log.WriteAsync(entry);
        }

        await log.FlushAsync();
    }

    private static async Task<List<string>> IdsAsync(EfProvisioningLog log, ProvisioningLogQuery query) =>
        [.. (await AllPagesAsync(log, query)).Select(e => e.CorrelationId)];

    private static async Task<List<ProvisioningLogEntry>> AllPagesAsync(IProvisioningLogReader log, ProvisioningLogQuery query)
    {
        var all = new List<ProvisioningLogEntry>();
        do
        {
            var page = await log.QueryAsync(query);
            all.AddRange(page.Entries);
            query = query with { ContinuationToken = page.ContinuationToken };
        }
        while (query.ContinuationToken is not null);
        return all;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 10 seconds.");
            await Task.Delay(20);
        }
    }

    /// <summary>A record the size of a real one (the soak's are about 1 KB with their request summaries).</summary>
    private static ProvisioningLogEntry SteadyEntry(DateTimeOffset now, int minute, int i) => Entry($"s{minute:00}-{i:00}", "tenant-a", now, 200, "User", $"u{i}") with
    {
        Operation = ProvisioningOperation.Patch,
        UserName = $"user{i}@example.com",
        Method = "PATCH",
        Path = $"/scim/v2/Users/u{i}",
        RequestSummary = $"{{\"Operations\":[{{\"op\":\"replace\",\"path\":\"title\",\"value\":\"{new string('t', 200 + (i % 7 * 20))}\"}}]}}",
    };

    private async Task<long> SqlitePageCountAsync()
    {
        await using var context = await Database.Factory.CreateDbContextAsync();
        var connection = context.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_count;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ProvisioningLogEntry Entry(string correlationId, string tenant, DateTimeOffset timestamp, int status, string resourceType, string resourceId) => new()
    {
        Timestamp = timestamp,
        Tenant = tenant,
        Operation = ProvisioningOperation.Create,
        ResourceType = resourceType,
        ResourceId = resourceId,
        Status = status,
        CorrelationId = correlationId,
    };

    /// <summary>A context factory that hands out no context until opened, so a test can hold the writer back.</summary>
    private sealed class GatedFactory(IDbContextFactory<ScimDbContext> inner) : IDbContextFactory<ScimDbContext>
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public ScimDbContext CreateDbContext() => throw new NotSupportedException();

        public async Task<ScimDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        {
            await _open.Task.WaitAsync(cancellationToken);
            return await inner.CreateDbContextAsync(cancellationToken);
        }
    }

    private sealed class RecordingLogger : ILogger<EfProvisioningLog>
    {
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}

/// <summary>The database provisioning log on a SQLite file.</summary>
public sealed class SqliteEfProvisioningLogTests : EfProvisioningLogTests
{
    protected override ITestDatabase CreateDatabase() => new SqliteDatabase();
}
