using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text.Json.Nodes;
using Jostle.Scim.Keys;
using Microsoft.Extensions.Logging.Console;

namespace IntranetApp;

/// <summary>
/// The command line, the same contract as Jostle.Scim.Host's: with no command it serves the app (SCIM at
/// <c>URL/scim/v2</c>); <c>keys create</c> makes an API key on the same data without starting a server and, with
/// <c>--json</c>, prints exactly one JSON object on standard output. Usage errors exit with 2, failures with 1.
/// </summary>
public static class IntranetCommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs the server or the command.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync("error: " + error.Message);
            }

            await Console.Error.WriteLineAsync("See 'IntranetApp --help'.");
            return 2;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return 1;
        }
    }

    /// <summary>The command tree.</summary>
    /// <returns>The root command.</returns>
    public static RootCommand Build()
    {
        var data = new Option<string>("--data") { Description = "The folder of the app's database and of the SCIM keys and log (default ./data).", HelpName = "DIR", Recursive = true, DefaultValueFactory = _ => "data" };
        var urls = new Option<string>("--urls") { Description = $"Where the server listens (';'-separated), default {IntranetSettings.DefaultUrl}; keys create prints the SCIM URL under the first one.", HelpName = "URLS", Recursive = true };
        var groups = new Option<string>("--groups") { Description = "on (default): SCIM provisions teams as groups; off: users only (/Groups answers 404).", HelpName = "on|off", DefaultValueFactory = _ => "on" };
        groups.AcceptOnlyFromAmong("on", "off");
        var root = new RootCommand("A small intranet (people and teams) that Entra ID and other identity providers provision over SCIM 2.0.") { data, urls, groups };
        IntranetSettings Settings(ParseResult parse) => new()
        {
            DataDirectory = parse.GetValue(data) ?? "data",
            Urls = parse.GetValue(urls),
            Groups = parse.GetValue(groups) != "off",
        };
        root.SetAction((parse, _) => IntranetApplication.RunAsync(Settings(parse)));

        var tenant = new Option<string>("--tenant") { Description = "The tenant (a name).", HelpName = "NAME", Required = true };
        var description = new Option<string>("--description") { Description = "What the key is for, e.g. \"Entra ID\".", HelpName = "TEXT", Required = true };
        var user = new Option<string>("--user") { Description = "The automation user the key acts as.", HelpName = "NAME", DefaultValueFactory = _ => "automation" };
        var json = new Option<bool>("--json") { Description = "Prints one object {\"id\",\"key\",\"tenant\",\"baseUrl\"}." };
        var create = new Command("create", "Creates an API key and prints it once with the SCIM URL (store it then, e.g. as Entra ID's Secret Token).") { tenant, description, user, json };
        create.SetAction((parse, ct) => CreateKeyAsync(Settings(parse), parse.GetValue(tenant)!, parse.GetValue(description)!, parse.GetValue(user)!, parse.GetValue(json), ct));
        root.Add(new Command("keys", "Manages the API keys identity providers authenticate with.") { create });
        return root;
    }

    private static async Task<int> CreateKeyAsync(IntranetSettings settings, string tenant, string description, string user, bool json, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(tenant) || string.IsNullOrWhiteSpace(description))
        {
            await Console.Error.WriteLineAsync("error: '--tenant' and '--description' must not be empty.");
            return 2;
        }

        // The same services as the server, without a web server; warnings and errors only, on standard error, so that
        // standard output holds nothing but the result.
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole()
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddSingleton(settings);
        IntranetApplication.AddServices(services, settings);
        await using var provider = services.BuildServiceProvider();
        await Console.Error.WriteLineAsync($"Data: {Path.GetFullPath(settings.DataDirectory)}");
        await IntranetApplication.PrepareDatabasesAsync(provider, cancellationToken);

        var (key, plaintext) = await provider.GetRequiredService<ScimApiKeyManager>().CreateAsync(tenant, user, description, cancellationToken);
        if (json)
        {
            var result = new JsonObject { ["id"] = key.KeyId, ["key"] = plaintext, ["tenant"] = key.TenantId, ["baseUrl"] = settings.ScimBaseUrl };
            await Console.Out.WriteLineAsync(result.ToJsonString());
        }
        else
        {
            await Console.Out.WriteLineAsync($"""
                Created API key {key.KeyId} for tenant '{key.TenantId}' ('{key.Description}').

                Key (shown this once; store it now, e.g. as Entra ID's Secret Token):
                  {plaintext}

                Tenant URL: {settings.ScimBaseUrl}
                """);
        }

        return 0;
    }
}
