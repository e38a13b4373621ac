using System.Globalization;
using Jostle.Scim.AdminConsole.Pages;
using Jostle.Scim.Administration;
using Jostle.Scim.Keys;
using Jostle.Scim.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.AdminConsole;

/// <summary>
/// The Credentials page: API keys (create with an optional expiry, rotate with an optional grace period, revoke) and OAuth
/// clients with their secrets, over <see cref="ScimCredentialAdministration"/>, which records every change in the tenant's log.
/// </summary>
internal static partial class ConsoleEndpoints
{
    /// <summary>The grace periods a rotation offers: revoke the old credential by hand, or this long after the new one's first use.</summary>
    internal static readonly (string Value, string Text, TimeSpan? Period)[] GracePeriods =
    [
        ("", "None: I revoke the old one myself", null),
        ("1h", "1 hour after the first use of the new one", TimeSpan.FromHours(1)),
        ("24h", "24 hours after the first use of the new one", TimeSpan.FromHours(24)),
        ("7d", "7 days after the first use of the new one", TimeSpan.FromDays(7)),
    ];

    private static void MapCredentials(RouteGroupBuilder tenant)
    {
        tenant.MapGet("/credentials", CredentialsAsync);
        tenant.MapPost("/credentials/keys", CreateKeyAsync);
        tenant.MapGet("/credentials/keys/{keyId}/rotate", RotateKeyPageAsync);
        tenant.MapPost("/credentials/keys/{keyId}/rotate", RotateKeyAsync);
        tenant.MapGet("/credentials/keys/{keyId}/revoke", ConfirmRevokeKeyAsync);
        tenant.MapPost("/credentials/keys/{keyId}/revoke", RevokeKeyAsync);
        tenant.MapGet("/credentials/rotations/{rotationId}/complete", ConfirmCompleteRotationAsync);
        tenant.MapPost("/credentials/rotations/{rotationId}/complete", CompleteRotationAsync);
        tenant.MapPost("/credentials/clients", CreateClientAsync);
        tenant.MapGet("/credentials/clients/{clientId}/secrets/{secretId}/rotate", RotateSecretPageAsync);
        tenant.MapPost("/credentials/clients/{clientId}/secrets/{secretId}/rotate", RotateSecretAsync);
        tenant.MapGet("/credentials/clients/{clientId}/secrets/{secretId}/revoke", ConfirmRevokeSecretAsync);
        tenant.MapPost("/credentials/clients/{clientId}/secrets/{secretId}/revoke", RevokeSecretAsync);
    }

    private static async Task<IResult> CredentialsAsync(HttpContext context, ScimCredentialAdministration admin) =>
        Page<CredentialsPage>(context, "Credentials", await CredentialsModelAsync(context, admin, null, null).ConfigureAwait(false), section: "credentials");

    private static IResult CredentialsPage(HttpContext context, CredentialsModel model, int status = StatusCodes.Status200OK) =>
        Page<CredentialsPage>(context, "Credentials", model, status, "credentials");

    internal static async Task<CredentialsModel> CredentialsModelAsync(HttpContext context, ScimCredentialAdministration admin, CreatedSecretModel? created, string? createdLabel)
    {
        var tenant = View(context).Tenant!;
        var keys = await admin.ListKeysAsync(tenant, context.RequestAborted).ConfigureAwait(false);
        var rotations = (await admin.ListRotationsAsync(tenant, context.RequestAborted).ConfigureAwait(false))
            .Where(r => r.State != ScimCredentialRotationState.Completed).ToList();
        List<ClientModel>? clients = null;
        if (context.RequestServices.GetService<ScimOAuthClientManager>() is { } oauth)
        {
            clients = [];
            foreach (var client in await oauth.ListClientsAsync(tenant, context.RequestAborted).ConfigureAwait(false))
            {
                clients.Add(new ClientModel(client, await oauth.ListSecretsAsync(client.ClientId, context.RequestAborted).ConfigureAwait(false)));
            }
        }

        var now = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        return new CredentialsModel(keys, rotations, clients, created, createdLabel, now);
    }

    private static async Task<IResult> CreateKeyAsync(HttpContext context, ScimCredentialAdministration admin)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var description = Field(form, "description");
        var actor = Field(form, "user");
        string? problem = description.Length == 0 || actor.Length == 0 || description.Length > 200 || actor.Length > 200
            ? "Enter what the key is for (e.g. Entra ID) and the automation user it acts as, each at most 200 characters."
            : null;
        DateTimeOffset? expires = null;
        if (problem is null && Field(form, "expires") is { Length: > 0 } date)
        {
            if (DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                expires = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            }
            else
            {
                problem = $"The expiry date must be a date such as 2027-06-30, not '{date}'.";
            }
        }

        ScimCreatedApiKey? created = null;
        if (problem is null)
        {
            try
            {
                created = await admin.CreateKeyAsync(view.Tenant!, actor, description, expires, view.User!.Describe(), context.RequestAborted).ConfigureAwait(false);
            }
            catch (ScimAdministrationException e)
            {
                problem = e.Message;
            }
        }

        if (created is null)
        {
            view.Error = problem;
            return CredentialsPage(context, await CredentialsModelAsync(context, admin, null, null).ConfigureAwait(false), StatusCodes.Status400BadRequest);
        }

        view.Notice = $"API key {created.Key.KeyId} created for {actor}.";
        return CredentialsPage(context, await CredentialsModelAsync(context, admin, new CreatedSecretModel("API key", created.Key.KeyId, created.PlaintextKey), "New API key").ConfigureAwait(false));
    }

    private static async Task<ScimApiKey?> ActiveKeyAsync(HttpContext context, ScimCredentialAdministration admin, string keyId) =>
        (await admin.ListKeysAsync(View(context).Tenant!, context.RequestAborted).ConfigureAwait(false)).FirstOrDefault(k => k.KeyId == keyId && !k.IsRevoked);

    private static async Task<IResult> RotateKeyPageAsync(HttpContext context, string keyId, ScimCredentialAdministration admin)
    {
        var view = View(context);
        if (await ActiveKeyAsync(context, admin, keyId).ConfigureAwait(false) is not { } key)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such key", "This tenant has no active API key with that id.");
        }

        return Page<RotatePage>(context, "Rotate API key", new RotateModel(
            $"API key {key.KeyId} ({key.Description}{(key.Hint is null ? "" : ", ends in " + key.Hint)})",
            view.TenantUrl($"credentials/keys/{Uri.EscapeDataString(key.KeyId)}/rotate"),
            true), section: "credentials");
    }

    private static TimeSpan? GracePeriod(IFormCollection form) =>
        GracePeriods.FirstOrDefault(g => g.Value == Field(form, "grace")).Period;

    private static async Task<IResult> RotateKeyAsync(HttpContext context, string keyId, ScimCredentialAdministration admin)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            var started = await admin.StartKeyRotationAsync(view.Tenant!, keyId, GracePeriod(form), null, view.User!.Describe(), context.RequestAborted).ConfigureAwait(false);
            view.Notice = $"Rotation started: key {keyId} and the new key {started.NewKey.Key.KeyId} are both valid. Enter the new key in your identity provider.";
            return CredentialsPage(context, await CredentialsModelAsync(context, admin, new CreatedSecretModel("API key", started.NewKey.Key.KeyId, started.NewKey.PlaintextKey), "New API key (rotation)").ConfigureAwait(false));
        }
        catch (ScimAdministrationException e)
        {
            view.Error = e.Message;
            return CredentialsPage(context, await CredentialsModelAsync(context, admin, null, null).ConfigureAwait(false), StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> ConfirmRevokeKeyAsync(HttpContext context, string keyId, ScimCredentialAdministration admin)
    {
        var view = View(context);
        if (await ActiveKeyAsync(context, admin, keyId).ConfigureAwait(false) is not { } key)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such key", "This tenant has no active API key with that id.");
        }

        return Page<ConfirmPage>(context, "Revoke API key", new ConfirmModel(
            $"Revoke API key {key.KeyId} ({key.Description})?",
            "The next request that presents this key is refused with 401. Make sure your identity provider already uses another key.",
            view.TenantUrl($"credentials/keys/{Uri.EscapeDataString(key.KeyId)}/revoke"),
            "Revoke key",
            view.TenantUrl("credentials")), section: "credentials");
    }

    private static async Task<IResult> RevokeKeyAsync(HttpContext context, string keyId, ScimCredentialAdministration admin)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        if (!await admin.RevokeKeyAsync(view.Tenant!, keyId, view.User!.Describe(), context.RequestAborted).ConfigureAwait(false))
        {
            return Message(context, StatusCodes.Status404NotFound, "No such key", "This tenant has no API key with that id.");
        }

        view.Notice = $"API key {keyId} is revoked; requests that present it are refused.";
        return CredentialsPage(context, await CredentialsModelAsync(context, admin, null, null).ConfigureAwait(false));
    }

    private static async Task<ScimCredentialRotation?> OpenRotationAsync(HttpContext context, ScimCredentialAdministration admin, string rotationId) =>
        (await admin.ListRotationsAsync(View(context).Tenant!, context.RequestAborted).ConfigureAwait(false))
            .FirstOrDefault(r => r.RotationId == rotationId && r.State != ScimCredentialRotationState.Completed);

    private static async Task<IResult> ConfirmCompleteRotationAsync(HttpContext context, string rotationId, ScimCredentialAdministration admin)
    {
        var view = View(context);
        if (await OpenRotationAsync(context, admin, rotationId).ConfigureAwait(false) is not { } rotation)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such rotation", "This tenant has no open rotation with that id.");
        }

        var what = rotation.Kind == ScimCredentialKind.ApiKey ? "key" : "secret";
        return Page<ConfirmPage>(context, "Revoke the old " + what, new ConfirmModel(
            $"Revoke the old {what} {rotation.OldCredentialId} now?",
            rotation.NewCredentialFirstUsedAt is null
                ? $"The identity provider has not used the new {what} {rotation.NewCredentialId} yet: if it still sends the old one, provisioning stops."
                : $"The identity provider has used the new {what} {rotation.NewCredentialId} since {ConsoleView.Time(rotation.NewCredentialFirstUsedAt)}.",
            view.TenantUrl($"credentials/rotations/{Uri.EscapeDataString(rotation.RotationId)}/complete"),
            "Revoke the old " + what,
            view.TenantUrl("credentials")), section: "credentials");
    }

    private static async Task<IResult> CompleteRotationAsync(HttpContext context, string rotationId, ScimCredentialAdministration admin)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        if (await OpenRotationAsync(context, admin, rotationId).ConfigureAwait(false) is null
            || await admin.CompleteRotationAsync(view.Tenant!, rotationId, view.User!.Describe(), context.RequestAborted).ConfigureAwait(false) is not { } done)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such rotation", "This tenant has no open rotation with that id.");
        }

        view.Notice = $"Rotation complete: {done.OldCredentialId} is revoked and {done.NewCredentialId} stays in use.";
        return CredentialsPage(context, await CredentialsModelAsync(context, admin, null, null).ConfigureAwait(false));
    }

    private static async Task<IResult> CreateClientAsync(HttpContext context, ScimCredentialAdministration admin, ScimAdministrationAudit audit)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        if (context.RequestServices.GetService<ScimOAuthClientManager>() is not { } oauth)
        {
            return Message(context, StatusCodes.Status404NotFound, "OAuth clients are off", "This server does not accept OAuth clients (the host did not call AddOAuthClients).");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var description = Field(form, "description");
        var actor = Field(form, "user");
        if (description.Length == 0 || actor.Length == 0 || description.Length > 200 || actor.Length > 200)
        {
            view.Error = "Enter what the client is for and the automation user it acts as, each at most 200 characters.";
            return CredentialsPage(context, await CredentialsModelAsync(context, admin, null, null).ConfigureAwait(false), StatusCodes.Status400BadRequest);
        }

        var created = await oauth.CreateClientAsync(view.Tenant!, actor, description, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await audit.RecordAsync(view.Tenant!, view.User!.Describe(), ScimAdministrationAction.ClientCreated, created.Client.ClientId, $"OAuth client {created.Client.ClientId} created for {actor} ({description})", context.RequestAborted).ConfigureAwait(false);
        view.Notice = $"OAuth client {created.Client.ClientId} created.";
        var secret = created.Secret is { } s ? new CreatedSecretModel("Client secret", created.Client.ClientId, s.PlaintextSecret) : null;
        return CredentialsPage(context, await CredentialsModelAsync(context, admin, secret, $"Secret of the new client {created.Client.ClientId}").ConfigureAwait(false));
    }

    private static async Task<IResult> RotateSecretPageAsync(HttpContext context, string clientId, string secretId)
    {
        var view = View(context);
        if (await FindSecretAsync(context, clientId, secretId).ConfigureAwait(false) is not { } secret)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such secret", "This tenant has no active client secret with that id.");
        }

        return Page<RotatePage>(context, "Rotate client secret", new RotateModel(
            $"secret {secret.SecretId} of OAuth client {clientId}",
            view.TenantUrl($"credentials/clients/{Uri.EscapeDataString(clientId)}/secrets/{Uri.EscapeDataString(secretId)}/rotate"),
            false), section: "credentials");
    }

    private static async Task<IResult> RotateSecretAsync(HttpContext context, string clientId, string secretId, ScimCredentialAdministration admin)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            var started = await admin.StartSecretRotationAsync(view.Tenant!, clientId, secretId, GracePeriod(form), null, view.User!.Describe(), context.RequestAborted).ConfigureAwait(false);
            view.Notice = $"Rotation started: secret {secretId} and the new secret {started.NewSecret.Secret.SecretId} of {clientId} are both valid.";
            return CredentialsPage(context, await CredentialsModelAsync(context, admin, new CreatedSecretModel("Client secret", clientId, started.NewSecret.PlaintextSecret), "New client secret (rotation)").ConfigureAwait(false));
        }
        catch (ScimAdministrationException e)
        {
            view.Error = e.Message;
            return CredentialsPage(context, await CredentialsModelAsync(context, admin, null, null).ConfigureAwait(false), StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> ConfirmRevokeSecretAsync(HttpContext context, string clientId, string secretId)
    {
        var view = View(context);
        if (await FindSecretAsync(context, clientId, secretId).ConfigureAwait(false) is not { } secret)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such secret", "This tenant has no active client secret with that id.");
        }

        return Page<ConfirmPage>(context, "Revoke client secret", new ConfirmModel(
            $"Revoke secret {secret.SecretId} of client {clientId}?",
            "Token requests with this secret are refused from now on; tokens already issued stay valid until they expire.",
            view.TenantUrl($"credentials/clients/{Uri.EscapeDataString(clientId)}/secrets/{Uri.EscapeDataString(secretId)}/revoke"),
            "Revoke secret",
            view.TenantUrl("credentials")), section: "credentials");
    }

    private static async Task<IResult> RevokeSecretAsync(HttpContext context, string clientId, string secretId, ScimCredentialAdministration admin, ScimAdministrationAudit audit)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        if (await FindSecretAsync(context, clientId, secretId).ConfigureAwait(false) is null)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such secret", "This tenant has no active client secret with that id.");
        }

        await context.RequestServices.GetRequiredService<ScimOAuthClientManager>().RevokeSecretAsync(clientId, secretId, context.RequestAborted).ConfigureAwait(false);
        await audit.RecordAsync(view.Tenant!, view.User!.Describe(), ScimAdministrationAction.SecretRevoked, secretId, $"Secret {secretId} of OAuth client {clientId} revoked", context.RequestAborted).ConfigureAwait(false);
        view.Notice = $"Secret {secretId} is revoked.";
        return CredentialsPage(context, await CredentialsModelAsync(context, admin, null, null).ConfigureAwait(false));
    }

    private static async Task<ScimOAuthClientSecret?> FindSecretAsync(HttpContext context, string clientId, string secretId)
    {
        var view = View(context);
        if (context.RequestServices.GetService<ScimOAuthClientManager>() is not { } oauth
            || (await oauth.ListClientsAsync(view.Tenant, context.RequestAborted).ConfigureAwait(false)).All(c => c.ClientId != clientId))
        {
            return null;
        }

        return (await oauth.ListSecretsAsync(clientId, context.RequestAborted).ConfigureAwait(false)).FirstOrDefault(s => s.SecretId == secretId && !s.IsRevoked);
    }
}

internal sealed record CreatedSecretModel(string Kind, string Id, string Secret);

internal sealed record ClientModel(ScimOAuthClient Client, IReadOnlyList<ScimOAuthClientSecret> Secrets);

internal sealed record RotateModel(string What, string Action, bool IsKey);

internal sealed record CredentialsModel(
    IReadOnlyList<ScimApiKey> Keys,
    IReadOnlyList<ScimCredentialRotation> Rotations,
    IReadOnlyList<ClientModel>? Clients,
    CreatedSecretModel? Created,
    string? CreatedLabel,
    DateTimeOffset Now);
