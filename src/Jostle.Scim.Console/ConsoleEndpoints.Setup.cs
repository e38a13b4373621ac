using Jostle.Scim.AdminConsole.Pages;
using Jostle.Scim.Administration;
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
        $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{context.RequestServices.GetRequiredService<IOptions<ScimAdministrationOptions>>().Value.ScimPath.TrimEnd('/')}";

    private static async Task<IResult> SetupAsync(HttpContext context, ScimConnectionStatusService connection)
    {
        var view = View(context);
        var status = await connection.GetAsync(view.Tenant!, context.RequestAborted).ConfigureAwait(false);
        return Page<SetupPage>(context, "Set-up", new SetupModel(BaseUrl(context), status), section: "");
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
        await Audit(context).RecordAsync(view.Tenant!, view.User.Describe(), ScimAdministrationAction.AdminInvited, created.Link.LinkId, $"Invited admin {label} (link {created.Link.LinkId})", context.RequestAborted).ConfigureAwait(false);
        view.Notice = $"Sign-in link created for {label}.";
        return Page<AdminsPage>(context, "Admins", new AdminsModel(await links.ListAsync(view.Tenant, context.RequestAborted).ConfigureAwait(false), new CreatedLinkModel(created.Link, SignInUrl(context, created.Token))), section: "admins");
    }
}

internal sealed record SetupModel(string BaseUrl, ScimConnectionStatus Status);

internal sealed record AdminsModel(IReadOnlyList<ScimConsoleLink> Links, CreatedLinkModel? Created);
