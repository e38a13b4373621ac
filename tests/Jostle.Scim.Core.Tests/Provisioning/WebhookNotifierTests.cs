using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Jostle.Scim.Provisioning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Tests.Provisioning;

/// <summary>A real HTTP receiver on 127.0.0.1 and a random port (Kestrel), answering from a script of status codes.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script;

    private WebhookReceiver(WebApplication app, ConcurrentQueue<int> script)
    {
        _app = app;
        _script = script;
    }

    public ConcurrentQueue<(string Body, string? ContentType, string? Secret)> Requests { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync(params int[] statuses)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new ConcurrentQueue<int>(statuses));
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            receiver.Requests.Enqueue((await reader.ReadToEndAsync(), http.Request.ContentType, http.Request.Headers["X-Hook-Secret"].ToString()));
            http.Response.StatusCode = receiver._script.TryDequeue(out var status) ? status : 200;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address + "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed class WebhookNotifierTests
{
    private static ProvisioningFailureDigest Digest() => new()
    {
        Tenant = "tenant-a",
        From = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        To = new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero),
        TotalFailures = 3,
        Groups =
        [
            new ProvisioningFailureGroup
            {
                Operation = ProvisioningOperation.Create,
                ResourceType = "User",
                Status = 409,
                ScimType = "uniqueness",
                Count = 3,
                FirstSeen = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
                LastSeen = new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero),
                Examples = [new ProvisioningFailureExample { Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), UserName = "bjensen", Detail = "taken", CorrelationId = "c1" }],
            },
        ],
    };

    private static (WebhookProvisioningFailureNotifier Notifier, ServiceProvider Services) Create(Uri url, int maxAttempts = 4, ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var options = new ProvisioningFailureNotificationOptions
        {
            WebhookUrl = url,
            WebhookMaxAttempts = maxAttempts,
            WebhookInitialBackoff = TimeSpan.FromMilliseconds(20),
            WebhookMaxBackoff = TimeSpan.FromMilliseconds(100),
        };
        options.WebhookHeaders["X-Hook-Secret"] = "s3";
        ILogger<WebhookProvisioningFailureNotifier> logger = logs is null
            ? NullLogger<WebhookProvisioningFailureNotifier>.Instance
            : new Logger<WebhookProvisioningFailureNotifier>(new LoggerFactory([logs]));
        var notifier = new WebhookProvisioningFailureNotifier(services.GetRequiredService<IHttpClientFactory>(), Options.Create(options), logger);
        return (notifier, services);
    }

    [Fact]
    public async Task TheDigestIsPostedAsJsonAndRetriedAfterA500()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 503, 200);
        var (notifier, services) = Create(receiver.Url);
        using var _ = services;
        await notifier.NotifyAsync(Digest(), CancellationToken.None);

        Assert.Equal(3, receiver.Requests.Count);
        var (body, contentType, secret) = receiver.Requests.Last();
        Assert.Equal("application/json; charset=utf-8", contentType);
        Assert.Equal("s3", secret);
        var json = JsonNode.Parse(body)!;
        Assert.Equal("provisioningFailureDigest", json["type"]!.GetValue<string>());
        Assert.Equal("tenant-a", json["tenant"]!.GetValue<string>());
        Assert.Equal(3, json["totalFailures"]!.GetValue<int>());
        var group = json["groups"]![0]!;
        Assert.Equal("Create", group["operation"]!.GetValue<string>());
        Assert.Equal(409, group["status"]!.GetValue<int>());
        Assert.Equal("uniqueness", group["scimType"]!.GetValue<string>());
        Assert.Equal("bjensen", group["examples"]![0]!["userName"]!.GetValue<string>());
        Assert.Null(group["examples"]![0]!["resourceId"]);
        Assert.All(receiver.Requests, r => Assert.Equal(body, r.Body));
    }

    [Fact]
    public async Task AClientErrorIsNotRetried()
    {
        await using var receiver = await WebhookReceiver.StartAsync(400);
        var (notifier, services) = Create(receiver.Url);
        using var _ = services;
        await notifier.NotifyAsync(Digest(), CancellationToken.None);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task DeliveryGivesUpAfterMaxAttemptsWithoutThrowing()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 500, 500, 500, 500);
        var (notifier, services) = Create(receiver.Url, maxAttempts: 3);
        using var _ = services;
        await notifier.NotifyAsync(Digest(), CancellationToken.None);
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task AnUnreachableReceiverIsRetriedAndThenGivenUp()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.Url;
        await receiver.DisposeAsync();
        var logs = new Jostle.Scim.Tests.AspNetCore.RecordingLoggerProvider();
        var (notifier, services) = Create(url, maxAttempts: 2, logs);
        using var _ = services;
        await notifier.NotifyAsync(Digest(), CancellationToken.None);
        Assert.Equal([303, 304], logs.Messages.Select(m => m.EventId.Id));
        Assert.Contains("network error", logs.Messages.Last().Text, StringComparison.Ordinal);
    }
}
