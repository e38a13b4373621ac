using System.Collections.Concurrent;
using Jostle.Scim.Provisioning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Jostle.Scim.Tests.Provisioning.InMemoryProvisioningLogTests;

namespace Jostle.Scim.Tests.Provisioning;

public sealed class FailureNotificationServiceTests
{
    internal sealed class CapturingNotifier : IProvisioningFailureNotifier
    {
        public ConcurrentQueue<ProvisioningFailureDigest> Digests { get; } = new();

        public Task NotifyAsync(ProvisioningFailureDigest digest, CancellationToken cancellationToken)
        {
            Digests.Enqueue(digest);
            return Task.CompletedTask;
        }
    }

    private sealed class ThrowingNotifier : IProvisioningFailureNotifier
    {
        public int Calls;

        public Task NotifyAsync(ProvisioningFailureDigest digest, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            throw new InvalidOperationException("notifier down");
        }
    }

    private static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> done, TimeSpan limit)
    {
        var advanced = TimeSpan.Zero;
        while (!done())
        {
            Assert.True(advanced <= limit, $"Nothing happened within {limit} of fake time.");
            time.Advance(step);
            advanced += step;
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task ABurstOfFailuresProducesOneDigestThenTheIntervalIsHonoured()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new ProvisioningFailureNotificationOptions { GatherDelay = TimeSpan.FromMinutes(1), Interval = TimeSpan.FromMinutes(10) });
        var queue = new ProvisioningFailureQueue(options);
        var notifier = new CapturingNotifier();
        var throwing = new ThrowingNotifier();
        using var service = new ProvisioningFailureNotificationService(queue, [throwing, notifier], options, NullLogger<ProvisioningFailureNotificationService>.Instance, time);
        await service.StartAsync(CancellationToken.None);

        for (var i = 0; i < 200; i++)
        {
            queue.Enqueue(Entry(time.GetUtcNow(), status: i % 2 == 0 ? 409 : 400, id: "u" + i, scimType: i % 2 == 0 ? "uniqueness" : "invalidValue"));
        }

        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(5), () => !notifier.Digests.IsEmpty, TimeSpan.FromMinutes(2));
        await Task.Delay(100);
        var first = Assert.Single(notifier.Digests);
        Assert.Equal(200, first.TotalFailures);
        Assert.Equal([100, 100], first.Groups.Select(g => g.Count));
        Assert.Equal(1, throwing.Calls); // a failing notifier neither stops the service nor the others

        // More failures right after: nothing before the interval has passed since the first digest, then exactly one more.
        for (var i = 0; i < 30; i++)
        {
            queue.Enqueue(Entry(time.GetUtcNow(), status: 500, id: "late" + i));
        }

        for (var minute = 0; minute < 8; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20);
        }

        Assert.Single(notifier.Digests);
        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(10), () => notifier.Digests.Count == 2, TimeSpan.FromMinutes(5));
        var second = notifier.Digests.Last();
        Assert.Equal(30, second.TotalFailures);
        Assert.Equal(500, Assert.Single(second.Groups).Status);

        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AFullQueueDropsTheOldestFailuresWithoutBlockingTheWriter()
    {
        var options = Options.Create(new ProvisioningFailureNotificationOptions { QueueCapacity = 10 });
        var queue = new ProvisioningFailureQueue(options);
        for (var i = 0; i < 25; i++)
        {
            queue.Enqueue(Entry(DateTimeOffset.UtcNow, status: 500, id: "u" + i));
        }

        Assert.Equal(10, queue.Channel.Reader.Count);
        Assert.Equal(15, queue.TakeDropped());
        Assert.True(queue.Channel.Reader.TryRead(out var oldest));
        Assert.Equal("u15", oldest.ResourceId);
    }
}
