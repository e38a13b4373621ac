using System.Text.Json.Nodes;
using Jostle.Scim.Administration;

namespace Jostle.Scim.Host;

/// <summary><c>console link</c>: the first way into the browser console.</summary>
internal sealed partial class HostCommands
{
    private async Task<int> CreateConsoleLinkAsync(CancellationToken cancellationToken)
    {
        var links = services.GetRequiredService<ScimConsoleLinkManager>();
        var role = line.Tenant is null ? ScimConsoleRole.Operator : ScimConsoleRole.TenantAdmin;
        var label = line.Tenant is null ? "operator (command line)" : $"admin of {line.Tenant} (command line)";
        var created = await links.CreateAsync(role, line.Tenant, label, "command line", cancellationToken: cancellationToken).ConfigureAwait(false);
        var url = line.Options.PublicRoot(Environment.GetEnvironmentVariable("ASPNETCORE_URLS")) + ScimHostOptions.ConsolePath + "/signin?token=" + Uri.EscapeDataString(created.Token);
        if (line.Json)
        {
            await output.WriteLineAsync(new JsonObject { ["url"] = url }.ToJsonString()).ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync($"""
            Sign-in link for {(line.Tenant is null ? "an operator of the whole server" : $"an admin of tenant '{line.Tenant}'")} (link {created.Link.LinkId}).
            Open it within ten minutes; it works once:
              {url}
            """).ConfigureAwait(false);
        return 0;
    }
}
