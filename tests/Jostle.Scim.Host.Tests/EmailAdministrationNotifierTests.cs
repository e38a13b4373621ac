using Jostle.Scim.Administration;
using Jostle.Scim.Keys;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.Host.Tests;

/// <summary>With <c>--smtp</c>, the console's test notification and key-expiry warnings are e-mailed to the digest recipients (#15).</summary>
public sealed class EmailAdministrationNotifierTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("jscim-mail-").FullName;
    private readonly SmtpSink _smtp = new();

    [Fact]
    public async Task TheConsolesTestNotificationIsEmailedToTheTenantsAddressesAndTheHostsRecipients()
    {
        await using var services = await ServicesAsync();
        await services.GetRequiredService<IScimAdministrationStore>().SaveNotificationSettingsAsync(
            new ScimNotificationSettings { TenantId = "acme", EmailAddresses = ["admin@acme.example"] });

        var result = await services.GetRequiredService<ScimNotificationSettingsService>().SendTestAsync("acme", "alice@acme.example");

        Assert.True(result.Delivered, result.Message);
        var message = await _smtp.NextMessageAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("MAIL FROM:<scim@example.com>", message.Envelope, StringComparison.Ordinal);
        Assert.Contains("RCPT TO:<ops@example.com>", message.Envelope, StringComparison.Ordinal);
        Assert.Contains("RCPT TO:<admin@acme.example>", message.Envelope, StringComparison.Ordinal);
        Assert.DoesNotContain("it@globex.example", message.Envelope, StringComparison.Ordinal);
        Assert.Contains("Subject: Test notification for SCIM tenant acme", message.Data, StringComparison.Ordinal);
        Assert.Contains("alice@acme.example sent this test", message.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyThatExpiresInsideTheWarningWindowIsAnnouncedByEmail()
    {
        await using var services = await ServicesAsync();
        var key = await services.GetRequiredService<ScimApiKeyManager>().CreateAsync("globex", "bot", "Entra ID", DateTimeOffset.UtcNow.AddDays(3));

        var warnings = await services.GetRequiredService<ScimKeyExpiryWarnings>().RunAsync();

        Assert.Contains(warnings, w => w.CredentialId == key.Key.KeyId);
        var message = await _smtp.NextMessageAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("RCPT TO:<ops@example.com>", message.Envelope, StringComparison.Ordinal);
        Assert.Contains("RCPT TO:<it@globex.example>", message.Envelope, StringComparison.Ordinal);
        Assert.Contains($"Subject: SCIM API key {key.Key.KeyId} of tenant globex expires", message.Data, StringComparison.Ordinal);
        Assert.Contains("Rotate", message.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableMailServerIsReportedAsNotDeliveredInsteadOfThrowing()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now: the connection is refused
        var settings = new EmailDigestSettings(new SmtpEndpoint("127.0.0.1", port), "scim@example.com", ["ops@example.com"]);
        using var logging = LoggerFactory.Create(_ => { });
        var notifier = new EmailAdministrationNotifier(settings, logging.CreateLogger<EmailAdministrationNotifier>());

        var delivered = await notifier.NotifyAsync(
            new ScimAdministrationNotification { Kind = ScimAdministrationNotificationKind.Test, Tenant = "acme", Subject = "s", Message = "m" },
            CancellationToken.None);

        Assert.False(delivered);
    }

    /// <summary>The services exactly as the host composes them with <c>--smtp</c>, on a fresh SQLite database.</summary>
    private async Task<ServiceProvider> ServicesAsync()
    {
        var options = new ScimHostOptions
        {
            DataDirectory = _folder,
            Smtp = new SmtpEndpoint("127.0.0.1", _smtp.Port),
            NotifyEmailFrom = "scim@example.com",
            NotifyEmailTo = ["ops@example.com", "globex=it@globex.example"],
        };
        var collection = new ServiceCollection();
        collection.AddLogging();
        ScimComposition.AddScim(collection, options);
        var services = collection.BuildServiceProvider();
        await ScimComposition.PrepareDatabaseAsync(services, options, CancellationToken.None);
        return services;
    }

    public void Dispose()
    {
        _smtp.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
