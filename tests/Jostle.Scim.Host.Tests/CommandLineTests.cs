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
        Assert.True(CommandLine.TryParse(["log", "--data=/tmp/x", "--rate-limit", "0", "--urls", "http://0.0.0.0:8080", "--failed"], out var line, out _));
        Assert.Equal(HostCommand.Log, line.Command);
        Assert.Equal("/tmp/x", line.Options.DataDirectory);
        Assert.Equal(0, line.Options.RateLimit);
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

    [Theory]
    [InlineData("--bogus", "Unknown option '--bogus'.")]
    [InlineData("-x", "Unknown option '-x'.")]
    [InlineData("serve", "Unknown command 'serve'.")]
    [InlineData("keys delete", "Unknown command 'keys delete'; use 'keys create', 'keys list' or 'keys revoke ID'.")]
    [InlineData("keys revoke", "'keys revoke' needs the id of the key to revoke.")]
    [InlineData("keys create --tenant acme", "'keys create' needs '--tenant NAME' and '--description TEXT'.")]
    [InlineData("keys list --description x", "Option '--description' does not apply to 'keys list'.")]
    [InlineData("--tenant acme", "Option '--tenant' does not apply to the server (no command).")]
    [InlineData("--rate-limit -1", "'--rate-limit' must be a whole number of requests per second from 0 (off) to 1000000, not '-1'.")]
    [InlineData("--rate-limit", "Option '--rate-limit' needs a value.")]
    [InlineData("--log-format xml", "'--log-format' must be 'simple' or 'json', not 'xml'.")]
    [InlineData("--data a --data b", "Option '--data' is given twice.")]
    [InlineData("--data a --postgres b", "Use either '--data' (SQLite) or '--postgres', not both.")]
    [InlineData("--sqlite-sync off", "'--sqlite-sync' must be 'full' or 'normal', not 'off'.")]
    [InlineData("--sqlite-sync 1", "'--sqlite-sync' must be 'full' or 'normal', not '1'.")]
    [InlineData("--postgres x --sqlite-sync normal", "'--sqlite-sync' applies to SQLite only, not with '--postgres'.")]
    [InlineData("log --json=yes", "Option '--json' takes no value.")]
    [InlineData("log --limit 0", "'--limit' must be a whole number from 1 to 1000, not '0'.")]
    public void ACommandLineThatCannotBeUnderstoodSaysWhy(string args, string expected)
    {
        Assert.False(CommandLine.TryParse(args.Split(' '), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("keys create --help")]
    public void HelpIsAskedForInTheUsualWays(string args)
    {
        Assert.True(CommandLine.TryParse(args.Split(' '), out var line, out _));
        Assert.Equal(HostCommand.Help, line.Command);
    }

    [Fact]
    public void TheUsageTellsHowATenantComesToExist()
    {
        Assert.Contains("creating a key for a new", CommandLine.Usage, StringComparison.Ordinal);
        Assert.Contains("name is how that tenant comes to exist", CommandLine.Usage, StringComparison.Ordinal);
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
