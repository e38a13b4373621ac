using Jostle.Scim.AdminConsole.Pages;
using Jostle.Scim.Administration;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AdminConsole;

/// <summary>The Set-up page (base URL, connection status, provider guides) and the Admins page (invitations).</summary>
internal static partial class ConsoleEndpoints
{
    private static void MapSetup(RouteGroupBuilder tenant)
    {
        tenant.MapGet("/", SetupAsync);
    }

    private static void MapAdmins(RouteGroupBuilder tenant)
    {
        tenant.MapGet("/admins", AdminsAsync);
        tenant.MapPost("/admins", InviteAdminAsync);
    }

    /// <summary>The SCIM base URL as identity providers must enter it.</summary>
    internal static string BaseUrl(HttpContext context) =>
        $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{context.RequestServices.GetRequiredService<IOptions<ScimConsoleOptions>>().Value.ScimBasePath.TrimEnd('/')}";

    private static async Task<IResult> SetupAsync(HttpContext context, ScimApiKeyManager keys)
    {
        var view = View(context);
        var status = await ConnectionStatusAsync(context, view.Tenant!, keys).ConfigureAwait(false);
        return Page<SetupPage>(context, "Set-up", new SetupModel(BaseUrl(context), status), section: "");
    }

    /// <summary>
    /// Waiting → connected → failing, told apart from the provisioning log and the keys' last use: no request yet, requests
    /// refused for a bad or revoked key (401s in the log), or requests failing.
    /// </summary>
    internal static async Task<ConnectionStatusModel> ConnectionStatusAsync(HttpContext context, string tenant, ScimApiKeyManager keys)
    {
        var active = (await keys.ListAsync(tenant, context.RequestAborted).ConfigureAwait(false)).ToList();
        var lastKeyUse = active.Max(k => k.LastUsedAt);
        var reader = context.RequestServices.GetService<IProvisioningLogReader>();
        ProvisioningLogEntry? last = null;
        ProvisioningLogEntry? lastFailure = null;
        if (reader is not null)
        {
            var recent = await reader.QueryAsync(new ProvisioningLogQuery { Tenant = tenant, PageSize = 50 }, context.RequestAborted).ConfigureAwait(false);
            var traffic = recent.Entries.Where(e => e.ResourceType != ConsoleAudit.ResourceType).ToList();
            last = traffic.FirstOrDefault();
            lastFailure = traffic.FirstOrDefault(e => !e.Succeeded);
        }

        if (last is null && lastKeyUse is null)
        {
            return new ConnectionStatusModel(ConnectionState.Waiting, "Waiting for the first request",
                active.Count(k => !k.IsRevoked) == 0 ? "No API key yet: create one on the Credentials page, then enter it in your identity provider." : "No request has arrived yet. Enter the base URL and key in your identity provider and run Test Connection.", null);
        }

        var lastAt = last?.Timestamp > lastKeyUse || lastKeyUse is null ? last?.Timestamp : lastKeyUse;
        if (last is { Succeeded: false })
        {
            var why = last.Status == StatusCodes.Status401Unauthorized
                ? "Requests are refused: the identity provider presents a bad or revoked key. Create or rotate a key and enter it again."
                : $"The last request failed with {last.Status}{(last.Detail is null ? "" : ": " + last.Detail)}";
            return new ConnectionStatusModel(last.Status == StatusCodes.Status401Unauthorized ? ConnectionState.BadKey : ConnectionState.Failing, "Failing", why, lastAt);
        }

        return new ConnectionStatusModel(ConnectionState.Connected, "Connected",
            lastFailure is null ? "Requests are arriving and succeeding." : $"Requests are arriving; the last failure was at {ConsoleView.Time(lastFailure.Timestamp)}.", lastAt);
    }

    private static async Task<IResult> AdminsAsync(HttpContext context, ScimConsoleLinkManager links) =>
        Page<AdminsPage>(context, "Admins", new AdminsModel(await links.ListAsync(View(context).Tenant, context.RequestAborted).ConfigureAwait(false), null), section: "admins");

    private static async Task<IResult> InviteAdminAsync(HttpContext context, ScimConsoleLinkManager links)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var label = Field(await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false), "label");
        if (label.Length is 0 or > 200)
        {
            view.Error = "Enter who the link is for (a name or an e-mail address, at most 200 characters).";
            return Page<AdminsPage>(context, "Admins", new AdminsModel(await links.ListAsync(view.Tenant, context.RequestAborted).ConfigureAwait(false), null), StatusCodes.Status400BadRequest, "admins");
        }

        var created = await links.CreateAsync(ScimConsoleRole.TenantAdmin, view.Tenant, label, view.User!.Describe(), cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await ConsoleAudit.RecordAsync(context, view.User, view.Tenant, $"Invited admin {label} (link {created.Link.LinkId})", created.Link.LinkId).ConfigureAwait(false);
        view.Notice = $"Sign-in link created for {label}.";
        return Page<AdminsPage>(context, "Admins", new AdminsModel(await links.ListAsync(view.Tenant, context.RequestAborted).ConfigureAwait(false), new CreatedLinkModel(created.Link, SignInUrl(context, created.Token))), section: "admins");
    }
}

internal enum ConnectionState
{
    Waiting,
    Connected,
    BadKey,
    Failing,
}

internal sealed record ConnectionStatusModel(ConnectionState State, string Headline, string Explanation, DateTimeOffset? LastRequestAt);

internal sealed record SetupModel(string BaseUrl, ConnectionStatusModel Status);

internal sealed record AdminsModel(IReadOnlyList<ScimConsoleLink> Links, CreatedLinkModel? Created);
