using Jostle.Scim.Administration;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Jostle.Scim.OAuth;
using Jostle.Scim.Provisioning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>The console's persisted state (rotations, notification settings, key hints and expiry, secret use, log fields) on a database a subclass provides.</summary>
public abstract class EfAdministrationTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 30, 0, TimeSpan.Zero);

    protected EfAdministrationTests() => Database = CreateDatabase();

    protected ITestDatabase Database { get; }

    protected abstract ITestDatabase CreateDatabase();

    public void Dispose()
    {
        Database.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task RotationsAreStoredListedAndUpdatedFirstWriterWins()
    {
        var store = new EfScimAdministrationStore(Database.Factory);
        var rotation = new ScimCredentialRotation
        {
            RotationId = "00000000000000r1", TenantId = "tenant-a", Kind = ScimCredentialKind.ClientSecret, ClientId = "jsc_1",
            OldCredentialId = "old", NewCredentialId = "new", StartedAt = T0, StartedBy = "alice", GracePeriod = TimeSpan.FromHours(2),
        };
        Assert.True(await store.CreateRotationAsync(rotation));
        Assert.False(await store.CreateRotationAsync(rotation));
        Assert.True(await store.CreateRotationAsync(rotation with { RotationId = "00000000000000r2", TenantId = "tenant-b", Kind = ScimCredentialKind.ApiKey, ClientId = null, GracePeriod = null, StartedAt = T0.AddMinutes(1) }));
        Assert.Equal(rotation, await store.FindRotationAsync("00000000000000r1"));
        Assert.Null(await store.FindRotationAsync("nope"));

        var used = await store.UpdateRotationAsync("00000000000000r1", T0.AddMinutes(5), null, null);
        Assert.Equal(T0.AddMinutes(5), used!.NewCredentialFirstUsedAt);
        var again = await store.UpdateRotationAsync("00000000000000r1", T0.AddMinutes(9), T0.AddHours(3), "automatic rotation");
        Assert.Equal((T0.AddMinutes(5), T0.AddHours(3), "automatic rotation"), (again!.NewCredentialFirstUsedAt!.Value, again.CompletedAt!.Value, again.CompletedBy!));
        var late = await store.UpdateRotationAsync("00000000000000r1", null, T0.AddHours(4), "bob");
        Assert.Equal((T0.AddHours(3), "automatic rotation"), (late!.CompletedAt!.Value, late.CompletedBy!));
        Assert.Null(await store.UpdateRotationAsync("nope", T0, null, null));

        Assert.Equal(["00000000000000r1", "00000000000000r2"], (await store.ListRotationsAsync()).Select(r => r.RotationId));
        Assert.Equal(["00000000000000r2"], (await store.ListRotationsAsync(openOnly: true)).Select(r => r.RotationId));
        Assert.Empty(await store.ListRotationsAsync("tenant-b", openOnly: false).ContinueWith(t => t.Result.Where(r => r.TenantId != "tenant-b").ToList()));
        Assert.Equal(ScimCredentialRotationState.Completed, (await store.ListRotationsAsync("tenant-a")).Single().State);
    }

    [Fact]
    public async Task NotificationSettingsAreInsertedReplacedAndListed()
    {
        var store = new EfScimAdministrationStore(Database.Factory);
        Assert.Null(await store.GetNotificationSettingsAsync("tenant-a"));
        var settings = new ScimNotificationSettings
        {
            TenantId = "tenant-a", EmailAddresses = ["ops@example.com", "it@example.com"], WebhookUrl = new Uri("https://hooks.example.com/scim?x=1"),
            DigestInterval = TimeSpan.FromMinutes(30), KeyExpiryWarningDays = 7, UpdatedAt = T0, UpdatedBy = "alice",
        };
        await store.SaveNotificationSettingsAsync(settings);
        await store.SaveNotificationSettingsAsync(new ScimNotificationSettings { TenantId = "tenant-b", UpdatedAt = T0 });
        var read = await store.GetNotificationSettingsAsync("tenant-a");
        Assert.Equal(settings.EmailAddresses, read!.EmailAddresses);
        Assert.Equal((settings.WebhookUrl, settings.DigestInterval, 7, T0, "alice"), (read.WebhookUrl, read.DigestInterval, read.KeyExpiryWarningDays, read.UpdatedAt, read.UpdatedBy));

        await store.SaveNotificationSettingsAsync(settings with { EmailAddresses = [], WebhookUrl = null, DigestInterval = null, UpdatedBy = "bob" });
        var replaced = await store.GetNotificationSettingsAsync("tenant-a");
        Assert.Equal((0, (Uri?)null, (TimeSpan?)null, "bob"), (replaced!.EmailAddresses.Count, replaced.WebhookUrl, replaced.DigestInterval, replaced.UpdatedBy));
        Assert.Equal(["tenant-a", "tenant-b"], (await store.ListNotificationSettingsAsync()).Select(s => s.TenantId));
    }

    [Fact]
    public async Task AKeysHintExpiryAndFirstUseAndASecretsUseArePersisted()
    {
        var time = new FakeTimeProvider(T0);
        var keys = new EfScimApiKeyStore(Database.Factory);
        var manager = new ScimApiKeyManager(keys, new ScimApiKeyOptions { LastUsedUpdateInterval = TimeSpan.Zero }, time);
        var (key, plaintext) = await manager.CreateAsync("tenant-a", "entra", "Entra ID", T0.AddDays(1));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ScimApiKeyVerificationStatus.Valid, (await manager.VerifyAsync(plaintext)).Status);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ScimApiKeyVerificationStatus.Valid, (await manager.VerifyAsync(plaintext)).Status);
        var stored = await keys.FindAsync(key.KeyId);
        Assert.Equal((plaintext[^4..], T0.AddDays(1), T0.AddMinutes(1), T0.AddMinutes(2)), (stored!.Hint!, stored.ExpiresAt!.Value, stored.FirstUsedAt!.Value, stored.LastUsedAt!.Value));
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(ScimApiKeyVerificationStatus.Expired, (await manager.VerifyAsync(plaintext)).Status);

        var oauth = new EfScimOAuthStore(Database.Factory);
        var clients = new ScimOAuthClientManager(oauth, null, time);
        var client = await clients.CreateClientAsync("tenant-a", "entra", "Entra ID");
        var secretId = client.Secret!.Secret.SecretId;
        await oauth.TouchSecretAsync(secretId, T0.AddDays(2));
        await oauth.TouchSecretAsync(secretId, T0.AddDays(3));
        await oauth.TouchSecretAsync(secretId, T0.AddDays(1));
        var secret = await oauth.FindSecretAsync(secretId);
        Assert.Equal((T0.AddDays(2), T0.AddDays(3)), (secret!.FirstUsedAt!.Value, secret.LastUsedAt!.Value));
    }

    [Fact]
    public async Task TheLogKeepsMethodPathAndSummariesAndFiltersByOperationAndUserName()
    {
        await using var log = new EfProvisioningLog(Database.Factory, new ProvisioningLogOptions(), new ScimEntityFrameworkOptions(), null, new FakeTimeProvider(T0.AddMinutes(10)));
        var entry = new ProvisioningLogEntry
        {
            Timestamp = T0, Tenant = "tenant-a", Operation = ProvisioningOperation.Create, ResourceType = "User", UserName = "Ada@Example.com", Status = 201, CorrelationId = "c1",
            Method = "POST", Path = "/scim/v2/Users", RequestSummary = "{\"userName\":\"A***@E***\"}", ProtectedRequestSummary = "CfDJ8-protected",
        };
        await log.WriteAsync(entry);
        await log.WriteAsync(entry with { Timestamp = T0.AddMinutes(1), Operation = ProvisioningOperation.Administration, UserName = null, Actor = "alice", ResourceType = "KeyCreated", Status = 200, CorrelationId = "c2", Method = null, Path = null, RequestSummary = null, ProtectedRequestSummary = null });
        await log.FlushAsync();

        Assert.Equal(entry, Assert.Single((await log.QueryAsync(new ProvisioningLogQuery { UserName = "ada@example.COM" })).Entries));
        Assert.Equal("c2", Assert.Single((await log.QueryAsync(new ProvisioningLogQuery { Operation = ProvisioningOperation.Administration })).Entries).CorrelationId);
        Assert.Equal(2, (await log.QueryAsync(new ProvisioningLogQuery())).Entries.Count);
    }

    [Fact]
    public async Task AddEntityFrameworkStoresPutsTheAdministrationStoreInTheDatabaseWhicheverCallComesFirst()
    {
        foreach (var efFirst in new[] { true, false })
        {
            var services = new ServiceCollection();
            services.AddLogging();
            var scim = services.AddJostleScim();
            if (efFirst)
            {
                scim.AddEntityFrameworkStores(Database.Configure).AddAdministration();
            }
            else
            {
                scim.AddAdministration().AddEntityFrameworkStores(Database.Configure);
            }

            await using var provider = services.BuildServiceProvider();
            Assert.IsType<EfScimAdministrationStore>(provider.GetRequiredService<IScimAdministrationStore>());
        }
    }
}

/// <summary>The console's persisted state on a SQLite file.</summary>
public sealed class SqliteEfAdministrationTests : EfAdministrationTests
{
    protected override ITestDatabase CreateDatabase() => new SqliteDatabase();
}

/// <summary>The console's persisted state on PostgreSQL.</summary>
public sealed class PostgresEfAdministrationTests : EfAdministrationTests
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();
}
