namespace Jostle.Scim.Host.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void NoArgumentsRunTheServerOnSqliteUnderDataAtTheDefaultAddress()
    {
        Assert.True(CommandLine.TryParse([], out var line, out _));
        Assert.Equal(HostCommand.Serve, line.Command);
        Assert.Null(line.Options.PostgresConnectionString);
        Assert.Equal(Path.GetFullPath(Path.Combine("data", "scim.db")), line.Options.DatabasePath);
        Assert.Equal("http://127.0.0.1:5000/scim/v2", line.Options.BaseUrl());
        Assert.Null(line.Options.RateLimit);
    }

    [Fact]
    public void SharedOptionsWorkWithEveryCommandInBothSpellings()
    {
        Assert.True(CommandLine.TryParse(["log", "--data=/tmp/x", "--urls", "http://0.0.0.0:8080", "--failed"], out var line, out _));
        Assert.Equal(HostCommand.Log, line.Command);
        Assert.Equal("/tmp/x", line.Options.DataDirectory);
        Assert.True(line.FailedOnly);
        Assert.Equal("http://localhost:8080/scim/v2", line.Options.BaseUrl());
    }

    [Fact]
    public void SqliteSyncIsFullUnlessNormalIsAskedFor()
    {
        Assert.True(CommandLine.TryParse(["--data", "/tmp/x"], out var plain, out _));
        Assert.Equal(SqliteSync.Full, plain.Options.SqliteSync);
        Assert.True(CommandLine.TryParse(["--data", "/tmp/x", "--sqlite-sync", "Normal"], out var normal, out _));
        Assert.Equal(SqliteSync.Normal, normal.Options.SqliteSync);
    }

    [Fact]
    public void KeysCreateTakesTenantDescriptionUserAndJson()
    {
        Assert.True(CommandLine.TryParse(["keys", "create", "--tenant", "acme", "--description", "Entra ID", "--user", "bot", "--json", "--postgres", "Host=db"], out var line, out _));
        Assert.Equal((HostCommand.KeysCreate, "acme", "Entra ID", "bot", true, "Host=db"), (line.Command, line.Tenant, line.Description, line.User, line.Json, line.Options.PostgresConnectionString));
    }

    [Fact]
    public void KeysRevokeTakesTheKeyId()
    {
        Assert.True(CommandLine.TryParse(["keys", "revoke", "0123456789abcdef"], out var line, out _));
        Assert.Equal((HostCommand.KeysRevoke, "0123456789abcdef"), (line.Command, line.KeyId));
    }

    [Fact]
    public void ClientsCreateTakesTenantDescriptionUserExpiryAndJson()
    {
        Assert.True(CommandLine.TryParse(["clients", "create", "--tenant", "acme", "--description", "Entra ID", "--user", "bot", "--expires", "2027-06-30", "--json"], out var line, out var error), error);
        Assert.Equal((HostCommand.ClientsCreate, "acme", "Entra ID", "bot", true), (line.Command, line.Tenant, line.Description, line.User, line.Json));
        Assert.Equal(new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero), line.Expires);
    }

    [Fact]
    public void ClientsSecretCommandsTakeTheClientIdAndTheSecretIdEvenFromAWholeSecret()
    {
        Assert.True(CommandLine.TryParse(["clients", "secret", "add", "jsc_0123456789abcdef", "--description", "2027"], out var add, out _));
        Assert.True(CommandLine.TryParse(["clients", "secret", "revoke", "jsc_0123456789abcdef", "fedcba9876543210"], out var byId, out _));
        Assert.True(CommandLine.TryParse(["clients", "secret", "revoke", "jsc_0123456789abcdef", "jscs_fedcba9876543210_" + new string('A', 43)], out var bySecret, out _));
        Assert.True(CommandLine.TryParse(["clients", "revoke", "jsc_0123456789abcdef"], out var revoke, out _));

        Assert.Equal((HostCommand.ClientsSecretAdd, "jsc_0123456789abcdef", "2027", null), (add.Command, add.ClientId, add.Description, add.Expires));
        Assert.Equal((HostCommand.ClientsSecretRevoke, "jsc_0123456789abcdef", "fedcba9876543210"), (byId.Command, byId.ClientId, byId.SecretId));
        Assert.Equal("fedcba9876543210", bySecret.SecretId);
        Assert.Equal((HostCommand.ClientsRevoke, "jsc_0123456789abcdef"), (revoke.Command, revoke.ClientId));
    }

    [Fact]
    public void ExpiresIsADateADateTimeOrADurationFromNow()
    {
        var now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.True(HostCommandTree.TryParseExpires("90d", now, out var inNinetyDays));
        Assert.True(HostCommandTree.TryParseExpires("2027-06-30", now, out var date));
        Assert.True(HostCommandTree.TryParseExpires("2027-06-30T08:00+02:00", now, out var dateTime));
        Assert.False(HostCommandTree.TryParseExpires("next year", now, out _));
        Assert.Equal(now.AddDays(90), inNinetyDays);
        Assert.Equal(new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero), date);
        Assert.Equal(new DateTimeOffset(2027, 6, 30, 6, 0, 0, TimeSpan.Zero), dateTime);
    }

    [Fact]
    public void ClientsTrustTakesIssuerSubjectAudienceAndAJwksUrlOrAnAbsoluteJwksFile()
    {
        Assert.True(CommandLine.TryParse(["clients", "trust", "--tenant", "acme", "--issuer", "https://login.example.com/t/v2.0", "--subject", "sp", "--audience", "api://x", "--jwks-url", "https://login.example.com/keys"], out var url, out var error), error);
        Assert.True(CommandLine.TryParse(["clients", "trust", "--tenant", "acme", "--issuer", "i", "--subject", "s", "--audience", "a", "--jwks-file", "keys.json", "--json"], out var file, out error), error);

        Assert.Equal((HostCommand.ClientsTrust, "acme", CommandLine.DefaultUser), (url.Command, url.Tenant, url.User));
        Assert.Equal(new FederatedTrust("https://login.example.com/t/v2.0", "sp", "api://x", "https://login.example.com/keys"), url.Trust);
        Assert.Equal(Path.GetFullPath("keys.json"), file.Trust!.KeySource);
        Assert.True(file.Json);
    }

    [Theory]
    [InlineData("--bogus", "Unrecognized command or argument '--bogus'.")]
    [InlineData("-x", "Unrecognized command or argument '-x'.")]
    [InlineData("serve", "Unrecognized command or argument 'serve'.")]
    [InlineData("keys revoke", "Required argument 'ID' missing for command: 'revoke'.")]
    [InlineData("keys create --tenant acme", "Option '--description' is required.")]
    [InlineData("keys create --tenant  --description x", "'--tenant' must not be empty.")]
    [InlineData("--rate-limit -1", "'--rate-limit' must be a whole number of requests per second from 0 (off) to 1000000, not '-1'.")]
    [InlineData("--rate-limit", "Required argument missing for option: '--rate-limit'.")]
    [InlineData("--data a --data b", "Option '--data' expects a single argument but 2 were provided.")]
    [InlineData("--data a --postgres b", "Use either '--data' (SQLite) or '--postgres', not both.")]
    [InlineData("keys list --data a --postgres b", "Use either '--data' (SQLite) or '--postgres', not both.")]
    [InlineData("--postgres Host=x --sqlite-sync normal", "'--sqlite-sync' applies to SQLite only, not with '--postgres'.")]
    [InlineData("keys list --postgres Hostt=db", "'--postgres': the connection string has a keyword PostgreSQL does not know: 'hostt' (e.g. Host, Port, Database, Username, Password).")]
    [InlineData("log --limit 0", "'--limit' must be a whole number from 1 to 1000, not '0'.")]
    [InlineData("log --since yesterday", "'--since' must be a duration ago (30m, 12h, 7d) or a date-time such as 2026-01-31T08:00Z, not 'yesterday'.")]
    [InlineData("--public-url https://scim.example.com/x", "'--public-url' must be an http or https address without a path, such as https://scim.example.com, not 'https://scim.example.com/x'.")]
    [InlineData("--trusted-proxy 10.0.0.300", "'--trusted-proxy' must be an IP address or a CIDR range (10.0.0.0/8), not '10.0.0.300'.")]
    [InlineData("--smtp localhost:25", "E-mail digests need all of '--smtp HOST:PORT', '--notify-email-from ADDRESS' and '--notify-email-to ADDRESS'.")]
    [InlineData("--smtp localhost --notify-email-from a@x --notify-email-to b@x", "'--smtp' must be HOST:PORT, such as smtp.example.com:587, not 'localhost'.")]
    [InlineData("--smtp localhost:25 --notify-email-from a@x --notify-email-to acme=nobody", "'--notify-email-to' must be an e-mail address or TENANT=ADDRESS, not 'acme=nobody'.")]
    [InlineData("--profile Azure", "'--profile' must be a profile (Default, Entra, Okta, OneLogin, JumpCloud, Google, Strict) or TENANT=PROFILE, not 'Azure'.")]
    [InlineData("--profile =Okta", "'--profile' must be a profile (Default, Entra, Okta, OneLogin, JumpCloud, Google, Strict) or TENANT=PROFILE, not '=Okta'.")]
    [InlineData("--profile Okta --profile Entra", "'--profile' names the profile of every tenant more than once; give one PROFILE and any number of TENANT=PROFILE.")]
    [InlineData("--log-retention forever", "'--log-retention' must be a positive duration such as 30s, 15m, 12h or 30d, not 'forever'.")]
    [InlineData("clients revoke", "Required argument 'CLIENT' missing for command: 'revoke'.")]
    [InlineData("clients revoke 0123456789abcdef", "'CLIENT' must be a client id: jsc_ and 16 hex digits, as 'clients list' shows.")]
    [InlineData("clients secret revoke jsc_0123456789abcdef abc", "'SECRET_ID' must be a secret id: 16 hex digits, as 'clients list' shows (or a whole jscs_… secret).")]
    [InlineData("clients create --tenant acme --description x --expires 2020-01-01", "'--expires' must be in the future and at most three years away, not '2020-01-01'.")]
    [InlineData("clients secret add jsc_0123456789abcdef --expires 1200d", "'--expires' must be in the future and at most three years away, not '1200d'.")]
    [InlineData("clients trust --tenant a --issuer i --subject s --audience a --jwks-url http://x/keys", "'--jwks-url' must be an https URL, not 'http://x/keys'.")]
    [InlineData("clients trust --tenant a --issuer i --subject s --audience a --jwks-url https://x/keys --jwks-file k.json", "Give exactly one of '--jwks-url URL' and '--jwks-file PATH'.")]
    [InlineData("clients trust --tenant a --issuer i --subject s --jwks-file k.json", "Option '--audience' is required.")]
    [InlineData("--https-cert x.pfx", "'--https-cert' needs an https:// address in '--urls', e.g. --urls https://0.0.0.0:8443.")]
    public void ACommandLineThatCannotBeUnderstoodSaysWhy(string args, string expected)
    {
        Assert.False(CommandLine.TryParse(args.Split(' '), out _, out var error));
        Assert.Contains(expected, error.Split(Environment.NewLine));
    }

    [Theory]
    [InlineData("keys list --rate-limit 5", "--rate-limit")]
    [InlineData("--tenant acme", "--tenant")]
    [InlineData("keys list --description x", "--description")]
    public void AnOptionOfAnotherCommandIsNotUnderstood(string args, string option)
    {
        Assert.False(CommandLine.TryParse(args.Split(' '), out _, out var error));
        Assert.Contains($"Unrecognized command or argument '{option}'.", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("keys create --help")]
    [InlineData("clients --help")]
    [InlineData("clients secret add --help")]
    [InlineData("--version")]
    public void HelpIsAskedForInTheUsualWays(string args)
    {
        Assert.True(CommandLine.TryParse(args.Split(' '), out var line, out _));
        Assert.Equal(HostCommand.Help, line.Command);
    }

    [Fact]
    public void ServerOptionsForThePublicAddressProxiesNotificationsAndRetentionAreBound()
    {
        Assert.True(CommandLine.TryParse(
            ["--public-url", "https://scim.example.com/", "--trusted-proxy", "10.0.0.5", "--trusted-proxy", "192.168.0.0/16", "--notify-webhook", "https://hooks.example.com/x",
             "--smtp", "mail.example.com:587", "--notify-email-from", "scim@example.com", "--notify-email-to", "a@example.com", "--notify-email-to", "b@example.com",
             "--digest-interval", "5m", "--log-retention", "7d"], out var line, out var error), error);
        var o = line.Options;
        Assert.Equal("https://scim.example.com", o.PublicUrl);
        Assert.Equal("https://scim.example.com/scim/v2", o.BaseUrl("http://0.0.0.0:8080"));
        Assert.Equal(["10.0.0.5", "192.168.0.0/16"], o.TrustedProxies);
        Assert.Equal(new Uri("https://hooks.example.com/x"), o.NotifyWebhook);
        Assert.Equal(new SmtpEndpoint("mail.example.com", 587), o.Smtp);
        Assert.Equal(["a@example.com", "b@example.com"], o.NotifyEmailTo);
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromDays(7)), (o.DigestInterval, o.LogRetention));
    }

    [Fact]
    public async Task ProfilesAreBoundForEveryTenantAndPerTenantAndSelectedByTenant()
    {
        Assert.True(CommandLine.TryParse(["--profile", "okta", "--profile", "acme=OneLogin", "--profile", "beta = Strict"], out var line, out var error), error);
        Assert.Equal(["okta", "acme=OneLogin", "beta = Strict"], line.Options.Profiles);

        var services = new ServiceCollection();
        services.AddLogging();
        ScimComposition.AddScim(services, line.Options with { DataDirectory = Path.GetTempPath() });
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Jostle.Scim.AspNetCore.JostleScimOptions>>().Value;
        var selector = provider.GetRequiredService<Jostle.Scim.AspNetCore.IScimCompatibilitySelector>();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();

        Assert.Equal(ScimProfiles.Okta, options.Compatibility);
        Assert.Equal(ScimProfiles.OneLogin, await selector.SelectAsync(context, "acme"));
        Assert.Equal(ScimProfiles.Strict, await selector.SelectAsync(context, "beta"));
        Assert.Null(await selector.SelectAsync(context, "other"));
    }

    [Fact]
    public void WithoutProfilesTheDefaultRulesApplyAndNoSelectorIsRegistered()
    {
        Assert.True(CommandLine.TryParse([], out var line, out var error), error);
        var services = new ServiceCollection();
        services.AddLogging();
        ScimComposition.AddScim(services, line.Options);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(ScimCompatibility.Default, provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Jostle.Scim.AspNetCore.JostleScimOptions>>().Value.Compatibility);
        Assert.Null(provider.GetService<Jostle.Scim.AspNetCore.IScimCompatibilitySelector>());
    }

    [Fact]
    public void LogFiltersByUserResourceAndSince()
    {
        Assert.True(CommandLine.TryParse(["log", "--user", "alice@example.com", "--resource", "Users/42", "--since", "2026-01-31T08:00Z"], out var line, out var error), error);
        Assert.Equal(("alice@example.com", "Users/42", new DateTimeOffset(2026, 1, 31, 8, 0, 0, TimeSpan.Zero)), (line.LogUser, line.Resource, line.Since));
        Assert.Equal(("User", "42"), HostCommands.ParseResource("Users/42"));
        Assert.Equal(("Group", null), HostCommands.ParseResource("groups"));
        Assert.Equal((null, "42"), HostCommands.ParseResource("42"));
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("15m", 900)]
    [InlineData("12h", 43200)]
    [InlineData("30d", 2592000)]
    [InlineData("1.00:00:00", 86400)]
    public void DurationsAreWrittenWithAUnit(string text, int seconds)
    {
        Assert.True(HostDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Fact]
    public void TheDigestIntervalAlsoBoundsHowLongABurstIsGathered()
    {
        var notifications = new Jostle.Scim.Provisioning.ProvisioningFailureNotificationOptions();
        ScimComposition.ConfigureNotifications(notifications, new ScimHostOptions { NotifyWebhook = new Uri("https://h.example.com"), DigestInterval = TimeSpan.FromSeconds(10) });
        Assert.Equal((new Uri("https://h.example.com"), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)), (notifications.WebhookUrl, notifications.Interval, notifications.GatherDelay));
    }

    [Theory]
    [InlineData("http://+:80", "http://localhost:80/scim/v2")]
    [InlineData("http://*:8080/;https://*:8443", "http://localhost:8080/scim/v2")]
    [InlineData("https://scim.example.com", "https://scim.example.com/scim/v2")]
    [InlineData("http://[::]:5000", "http://localhost:5000/scim/v2")]
    public void TheBaseUrlOfAKeyIsTheFirstListeningAddressWithWildcardsAsLocalhost(string urls, string expected) =>
        Assert.Equal(expected, new ScimHostOptions { Urls = urls }.BaseUrl());

    [Fact]
    public void RateLimitNMeansNPerSecondWithBurstsOfTwiceThatAndZeroTurnsItOff()
    {
        var rate = new Jostle.Scim.AspNetCore.ScimRateLimitOptions();
        ScimComposition.ConfigureRateLimit(rate, 30);
        Assert.Equal((30, 60, true), (rate.RequestsPerSecond, rate.Burst, rate.Enabled));
        ScimComposition.ConfigureRateLimit(rate, 0);
        Assert.False(rate.Enabled);
    }
}
