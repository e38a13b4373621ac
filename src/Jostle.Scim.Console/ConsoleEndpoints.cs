using Jostle.Scim.AdminConsole.Pages;
using Jostle.Scim.Administration;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.AdminConsole;

/// <summary>
/// The console's endpoints: sign-in, the overview and invitations here; each tenant page in its own partial file.
/// Every response is <c>Cache-Control: no-store</c>; every POST checks the antiforgery token first.
/// </summary>
internal static partial class ConsoleEndpoints
{
    /// <summary>The cookie that carries a sign-in link's token from the link's URL to the sign-in button (path-scoped, ten minutes).</summary>
    internal const string LinkCookieName = ".JostleScim.Console.Link";

    /// <summary>The log "tenant" of console actions that belong to no tenant (inviting an operator).</summary>
    internal const string ServerTenant = "(server)";

    internal static ScimAdministrationAudit Audit(HttpContext context) => context.RequestServices.GetRequiredService<ScimAdministrationAudit>();

    public static void Map(RouteGroupBuilder group, string prefix)
    {
        group.WithMetadata(new ConsolePrefixMetadata(prefix));
        group.AddEndpointFilter(Prepare);
        group.MapGet("/signin", SignInPageAsync);
        group.MapPost("/signin", SignInAsync);
        group.MapPost("/signout", (Func<HttpContext, Task<IResult>>)SignOutAsync);

        var secured = group.MapGroup("").AddEndpointFilter(RequireUser);
        secured.MapGet("/", HomeAsync);
        secured.MapPost("/links", CreateLinkAsync);
        secured.MapGet("/links/{linkId}/revoke", ConfirmRevokeLinkAsync);
        secured.MapPost("/links/{linkId}/revoke", RevokeLinkAsync);
        secured.MapPost("/open", (Func<HttpContext, Task<IResult>>)OpenTenantAsync);

        secured.MapGet("/{**path}", (Func<HttpContext, IResult>)(context => Message(context, StatusCodes.Status404NotFound, "Page not found", "There is no such page in your console.")));

        var tenant = secured.MapGroup("/tenants/{tenant}").AddEndpointFilter(RequireTenant);
        MapSetup(tenant);
        MapCredentials(tenant);
        MapAdmins(tenant);
        MapOperations(tenant);
    }

    /// <summary>Fills the page's view (prefix, signed-in account) and forbids caching of every console response.</summary>
    private static async ValueTask<object?> Prepare(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var view = context.RequestServices.GetRequiredService<ConsoleView>();
        view.Prefix = context.Request.PathBase + ConsolePrefix(context);
        var auth = await context.AuthenticateAsync(ScimConsoleDefaults.AuthenticationScheme).ConfigureAwait(false);
        view.User = ConsoleUser.From(auth.Principal);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return await next(invocation).ConfigureAwait(false);
    }

    /// <summary>The console's prefix: the request path up to the console's own part (its group's metadata).</summary>
    private static string ConsolePrefix(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ConsolePrefixMetadata>()?.Prefix ?? "";

    private static async ValueTask<object?> RequireUser(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var view = invocation.HttpContext.RequestServices.GetRequiredService<ConsoleView>();
        if (view.User is null)
        {
            return Results.Redirect(view.Url("/signin"));
        }

        return await next(invocation).ConfigureAwait(false);
    }

    private static async ValueTask<object?> RequireTenant(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var view = context.RequestServices.GetRequiredService<ConsoleView>();
        var tenant = context.GetRouteValue("tenant") as string;
        if (string.IsNullOrWhiteSpace(tenant) || view.User is null || !view.User.CanSee(tenant))
        {
            // Not 403: a tenant admin learns nothing about which other tenants exist.
            return Message(context, StatusCodes.Status404NotFound, "Page not found", "There is no such page in your console.");
        }

        view.Tenant = tenant;
        return await next(invocation).ConfigureAwait(false);
    }

    /// <summary>Renders a page component with the given model.</summary>
    internal static IResult Page<TPage>(HttpContext context, string title, object? model, int status = StatusCodes.Status200OK, string? section = null)
        where TPage : IComponent
    {
        var view = context.RequestServices.GetRequiredService<ConsoleView>();
        view.Title = title;
        view.Model = model;
        view.Section = section ?? view.Section;
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        view.AntiforgeryFieldName = tokens.FormFieldName;
        view.AntiforgeryToken = tokens.RequestToken ?? "";
        return new RazorComponentResult<TPage> { StatusCode = status, ContentType = "text/html; charset=utf-8" };
    }

    /// <summary>A page that says what went wrong and what to do.</summary>
    internal static IResult Message(HttpContext context, int status, string title, string text) =>
        Page<MessagePage>(context, title, new MessageModel(title, text), status);

    /// <summary>Checks the antiforgery token of a POST; a failure becomes a 400 page (never a 500).</summary>
    internal static async Task<IResult?> CheckFormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return Message(context, StatusCodes.Status400BadRequest, "Not a form", "The console accepts only its own forms.");
        }

        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return Message(context, StatusCodes.Status400BadRequest, "The form expired", "The form expired or did not come from this console. Go back, reload the page and try again.");
        }
    }

    internal static ConsoleView View(HttpContext context) => context.RequestServices.GetRequiredService<ConsoleView>();

    internal static string Field(IFormCollection form, string name) => form[name].ToString().Trim();

    // ---- sign-in ----

    private static IResult SignInPageAsync(HttpContext context, string? token)
    {
        var view = View(context);
        if (!string.IsNullOrEmpty(token))
        {
            // Move the token out of the address bar (and history, and Referer) at once: into an HttpOnly cookie scoped to
            // the sign-in path, then back to the plain URL. The link is used only when the person presses "Sign in", so a
            // mail scanner that fetches the link does not use it up.
            context.Response.Cookies.Append(LinkCookieName, token, new CookieOptions
            {
                HttpOnly = true,
                Secure = context.Request.IsHttps,
                SameSite = SameSiteMode.Lax,
                Path = view.Url("/signin"),
                MaxAge = ScimConsoleLinkManager.DefaultLifetime,
                IsEssential = true,
            });
            return Results.Redirect(view.Url("/signin"));
        }

        var hasLink = context.Request.Cookies.ContainsKey(LinkCookieName);
        return Page<SignInPage>(context, "Sign in", new SignInModel(hasLink, null));
    }

    private static async Task<IResult> SignInAsync(HttpContext context, ScimConsoleLinkManager links)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var token = context.Request.Cookies[LinkCookieName];
        context.Response.Cookies.Delete(LinkCookieName, new CookieOptions { Path = view.Url("/signin"), Secure = context.Request.IsHttps, HttpOnly = true });
        var result = await links.RedeemAsync(token, context.RequestAborted).ConfigureAwait(false);
        if (result.Status != ScimConsoleLinkRedemptionStatus.SignedIn || result.Link is not { } link)
        {
            var why = result.Status switch
            {
                ScimConsoleLinkRedemptionStatus.AlreadyUsed => "This sign-in link was already used. A link works once: ask for a new one.",
                ScimConsoleLinkRedemptionStatus.Expired => "This sign-in link expired (links work for ten minutes). Ask for a new one.",
                ScimConsoleLinkRedemptionStatus.Revoked => "This sign-in link was revoked by an operator. Ask for a new one.",
                _ => "This is not a valid sign-in link. Open the link you were given, or ask for a new one.",
            };
            return Page<SignInPage>(context, "Sign in", new SignInModel(false, why), StatusCodes.Status400BadRequest);
        }

        var user = new ConsoleUser(link.Role, link.TenantId, link.Label, link.LinkId);
        await context.SignInAsync(ScimConsoleDefaults.AuthenticationScheme, user.ToPrincipal()).ConfigureAwait(false);
        return Results.Redirect(user.IsOperator ? view.Url("/") : view.TenantUrl(link.TenantId!, ""));
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        await context.SignOutAsync(ScimConsoleDefaults.AuthenticationScheme).ConfigureAwait(false);
        return Results.Redirect(View(context).Url("/signin"));
    }

    // ---- overview, invitations ----

    private static async Task<IResult> HomeAsync(HttpContext context, ScimConsoleLinkManager links, Jostle.Scim.Keys.ScimApiKeyManager keys)
    {
        var view = View(context);
        if (!view.User!.IsOperator)
        {
            return Results.Redirect(view.TenantUrl(view.User.Tenant!, ""));
        }

        return Page<HomePage>(context, "Tenants", await HomeModelAsync(context, links, keys, null).ConfigureAwait(false));
    }

    private static async Task<HomeModel> HomeModelAsync(HttpContext context, ScimConsoleLinkManager links, Jostle.Scim.Keys.ScimApiKeyManager keys, CreatedLinkModel? created)
    {
        var tenants = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in await keys.ListAsync(null, context.RequestAborted).ConfigureAwait(false))
        {
            tenants.Add(key.TenantId);
        }

        if (context.RequestServices.GetService<Jostle.Scim.OAuth.ScimOAuthClientManager>() is { } oauth)
        {
            foreach (var client in await oauth.ListClientsAsync(null, context.RequestAborted).ConfigureAwait(false))
            {
                tenants.Add(client.TenantId);
            }
        }

        var all = await links.ListAsync(null, context.RequestAborted).ConfigureAwait(false);
        foreach (var link in all)
        {
            if (link.TenantId is { } t)
            {
                tenants.Add(t);
            }
        }

        return new HomeModel([.. tenants], all, created);
    }

    private static async Task<IResult> OpenTenantAsync(HttpContext context)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var tenant = Field(await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false), "tenant");
        if (tenant.Length == 0)
        {
            return Message(context, StatusCodes.Status400BadRequest, "No tenant given", "Enter the tenant's name.");
        }

        return Results.Redirect(View(context).TenantUrl(tenant, ""));
    }

    /// <summary>An operator invites an operator or a tenant admin (the overview's form).</summary>
    private static async Task<IResult> CreateLinkAsync(HttpContext context, ScimConsoleLinkManager links, Jostle.Scim.Keys.ScimApiKeyManager keys)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        if (!view.User!.IsOperator)
        {
            return Message(context, StatusCodes.Status403Forbidden, "Operators only", "Only an operator can invite operators; invite admins of your tenant on its Admins page.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var label = Field(form, "label");
        var tenant = Field(form, "tenant");
        var role = Field(form, "role") == "operator" ? ScimConsoleRole.Operator : ScimConsoleRole.TenantAdmin;
        string? problem = label.Length == 0 ? "Enter who the link is for." : role == ScimConsoleRole.TenantAdmin && tenant.Length == 0 ? "Enter the tenant the admin manages." : null;
        if (problem is not null)
        {
            view.Error = problem;
            return Page<HomePage>(context, "Tenants", await HomeModelAsync(context, links, keys, null).ConfigureAwait(false), StatusCodes.Status400BadRequest);
        }

        var created = await links.CreateAsync(role, role == ScimConsoleRole.Operator ? null : tenant, label, view.User.Describe(), cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await Audit(context).RecordAsync(created.Link.TenantId ?? ServerTenant, view.User.Describe(), ScimAdministrationAction.AdminInvited, created.Link.LinkId, $"Invited {(role == ScimConsoleRole.Operator ? "operator" : "admin")} {label} (link {created.Link.LinkId})", context.RequestAborted).ConfigureAwait(false);
        view.Notice = $"Sign-in link created for {label}.";
        return Page<HomePage>(context, "Tenants", await HomeModelAsync(context, links, keys, new CreatedLinkModel(created.Link, SignInUrl(context, created.Token))).ConfigureAwait(false));
    }

    /// <summary>The absolute sign-in URL of a link token.</summary>
    internal static string SignInUrl(HttpContext context, string token) =>
        $"{context.Request.Scheme}://{context.Request.Host}{View(context).Url("/signin")}?token={Uri.EscapeDataString(token)}";

    private static async Task<IResult> ConfirmRevokeLinkAsync(HttpContext context, string linkId, ScimConsoleLinkManager links)
    {
        var view = View(context);
        if (!view.User!.IsOperator)
        {
            return Message(context, StatusCodes.Status403Forbidden, "Operators only", "Only an operator can revoke a sign-in link.");
        }

        if (await links.FindAsync(linkId, context.RequestAborted).ConfigureAwait(false) is not { } link)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such link", "There is no sign-in link with that id.");
        }

        return Page<ConfirmPage>(context, "Revoke sign-in link", new ConfirmModel(
            $"Revoke the sign-in link for {link.Label}?",
            $"Link {link.LinkId} will no longer sign anyone in. A link that was already used cannot be revoked.",
            view.Url($"/links/{Uri.EscapeDataString(link.LinkId)}/revoke"),
            "Revoke link",
            view.Url("/")));
    }

    private static async Task<IResult> RevokeLinkAsync(HttpContext context, string linkId, ScimConsoleLinkManager links, Jostle.Scim.Keys.ScimApiKeyManager keys)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        if (!view.User!.IsOperator)
        {
            return Message(context, StatusCodes.Status403Forbidden, "Operators only", "Only an operator can revoke a sign-in link.");
        }

        var link = await links.FindAsync(linkId, context.RequestAborted).ConfigureAwait(false);
        if (link is null || !await links.RevokeAsync(linkId, context.RequestAborted).ConfigureAwait(false))
        {
            view.Error = link is null ? "There is no sign-in link with that id." : $"The link for {link.Label} was already used; it cannot be revoked.";
            return Page<HomePage>(context, "Tenants", await HomeModelAsync(context, links, keys, null).ConfigureAwait(false), StatusCodes.Status400BadRequest);
        }

        await Audit(context).RecordAsync(link.TenantId ?? ServerTenant, view.User.Describe(), ScimAdministrationAction.AdminInvitationRevoked, link.LinkId, $"Revoked the unused sign-in link {link.LinkId} for {link.Label}", context.RequestAborted).ConfigureAwait(false);
        view.Notice = $"The sign-in link for {link.Label} is revoked.";
        return Page<HomePage>(context, "Tenants", await HomeModelAsync(context, links, keys, null).ConfigureAwait(false));
    }
}

/// <summary>Carries the console's prefix on its endpoints.</summary>
internal sealed record ConsolePrefixMetadata(string Prefix);

internal sealed record MessageModel(string Title, string Text);

internal sealed record SignInModel(bool HasLink, string? Error);

internal sealed record CreatedLinkModel(ScimConsoleLink Link, string Url);

internal sealed record HomeModel(IReadOnlyList<string> Tenants, IReadOnlyList<ScimConsoleLink> Links, CreatedLinkModel? Created);

internal sealed record ConfirmModel(string Question, string Consequence, string Action, string Button, string CancelUrl);
