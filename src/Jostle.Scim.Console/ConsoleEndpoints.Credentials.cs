using Jostle.Scim.AdminConsole.Pages;
using Jostle.Scim.Keys;
using Jostle.Scim.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.AdminConsole;

/// <summary>The Credentials page: API keys (create, rotate, revoke) and OAuth clients with their secrets.</summary>
internal static partial class ConsoleEndpoints
{
    /// <summary>The description suffix that ties a rotation's new key to the key it replaces.</summary>
    internal const string RotationMarker = " (rotation of ";

    private static void MapCredentials(RouteGroupBuilder tenant)
    {
        tenant.MapGet("/credentials", CredentialsAsync);
        tenant.MapPost("/credentials/keys", CreateKeyAsync);
        tenant.MapPost("/credentials/keys/{keyId}/rotate", RotateKeyAsync);
        tenant.MapGet("/credentials/keys/{keyId}/revoke", ConfirmRevokeKeyAsync);
        tenant.MapPost("/credentials/keys/{keyId}/revoke", RevokeKeyAsync);
        tenant.MapPost("/credentials/clients", CreateClientAsync);
        tenant.MapPost("/credentials/clients/{clientId}/secrets", AddSecretAsync);
        tenant.MapGet("/credentials/clients/{clientId}/secrets/{secretId}/revoke", ConfirmRevokeSecretAsync);
        tenant.MapPost("/credentials/clients/{clientId}/secrets/{secretId}/revoke", RevokeSecretAsync);
    }

    private static async Task<IResult> CredentialsAsync(HttpContext context, ScimApiKeyManager keys) =>
        Page<CredentialsPage>(context, "Credentials", await CredentialsModelAsync(context, keys, null, null).ConfigureAwait(false), section: "credentials");

    internal static async Task<CredentialsModel> CredentialsModelAsync(HttpContext context, ScimApiKeyManager keys, CreatedSecretModel? created, string? createdLabel)
    {
        var tenant = View(context).Tenant!;
        var list = await keys.ListAsync(tenant, context.RequestAborted).ConfigureAwait(false);
        var rotations = new List<RotationModel>();
        foreach (var key in list.Where(k => !k.IsRevoked))
        {
            if (RotatedFrom(key) is { } oldId && list.FirstOrDefault(k => k.KeyId == oldId && !k.IsRevoked) is { } old)
            {
                rotations.Add(new RotationModel(old, key));
            }
        }

        List<ClientModel>? clients = null;
        if (context.RequestServices.GetService<ScimOAuthClientManager>() is { } oauth)
        {
            clients = [];
            foreach (var client in await oauth.ListClientsAsync(tenant, context.RequestAborted).ConfigureAwait(false))
            {
                clients.Add(new ClientModel(client, await oauth.ListSecretsAsync(client.ClientId, context.RequestAborted).ConfigureAwait(false)));
            }
        }

        return new CredentialsModel(list, rotations, clients, created, createdLabel);
    }

    /// <summary>The key a rotation's new key replaces, read from its description.</summary>
    internal static string? RotatedFrom(ScimApiKey key)
    {
        var at = key.Description.LastIndexOf(RotationMarker, StringComparison.Ordinal);
        return at >= 0 && key.Description.EndsWith(')') ? key.Description[(at + RotationMarker.Length)..^1] : null;
    }

    private static async Task<IResult> CreateKeyAsync(HttpContext context, ScimApiKeyManager keys)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var description = Field(form, "description");
        var actor = Field(form, "user");
        if (description.Length == 0 || actor.Length == 0 || description.Length > 200 || actor.Length > 200)
        {
            view.Error = "Enter what the key is for (e.g. Entra ID) and the automation user it acts as, each at most 200 characters.";
            return Page<CredentialsPage>(context, "Credentials", await CredentialsModelAsync(context, keys, null, null).ConfigureAwait(false), StatusCodes.Status400BadRequest, "credentials");
        }

        var created = await keys.CreateAsync(view.Tenant!, actor, description, context.RequestAborted).ConfigureAwait(false);
        await ConsoleAudit.RecordAsync(context, view.User, view.Tenant, $"API key {created.Key.KeyId} created for {actor} ({description})", created.Key.KeyId).ConfigureAwait(false);
        view.Notice = $"API key created for {actor}.";
        return Page<CredentialsPage>(context, "Credentials", await CredentialsModelAsync(context, keys, new CreatedSecretModel("API key", created.Key.KeyId, created.PlaintextKey), "New API key").ConfigureAwait(false), section: "credentials");
    }

    private static async Task<IResult> RotateKeyAsync(HttpContext context, string keyId, ScimApiKeyManager keys)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var old = (await keys.ListAsync(view.Tenant, context.RequestAborted).ConfigureAwait(false)).FirstOrDefault(k => k.KeyId == keyId);
        if (old is null || old.IsRevoked)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such key", "This tenant has no active API key with that id.");
        }

        var baseDescription = RotatedFrom(old) is null ? old.Description : old.Description[..old.Description.LastIndexOf(RotationMarker, StringComparison.Ordinal)];
        var created = await keys.CreateAsync(view.Tenant!, old.Actor, baseDescription + RotationMarker + old.KeyId + ")", context.RequestAborted).ConfigureAwait(false);
        await ConsoleAudit.RecordAsync(context, view.User, view.Tenant, $"Rotation of API key {old.KeyId} started: new key {created.Key.KeyId}; both are valid until the old one is revoked", created.Key.KeyId).ConfigureAwait(false);
        view.Notice = $"Rotation started: key {old.KeyId} and the new key {created.Key.KeyId} are both valid. Enter the new key in your identity provider, then revoke the old one.";
        return Page<CredentialsPage>(context, "Credentials", await CredentialsModelAsync(context, keys, new CreatedSecretModel("API key", created.Key.KeyId, created.PlaintextKey), "New API key (rotation)").ConfigureAwait(false), section: "credentials");
    }

    private static async Task<IResult> ConfirmRevokeKeyAsync(HttpContext context, string keyId, ScimApiKeyManager keys)
    {
        var view = View(context);
        var key = (await keys.ListAsync(view.Tenant, context.RequestAborted).ConfigureAwait(false)).FirstOrDefault(k => k.KeyId == keyId && !k.IsRevoked);
        if (key is null)
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

    private static async Task<IResult> RevokeKeyAsync(HttpContext context, string keyId, ScimApiKeyManager keys)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var key = (await keys.ListAsync(view.Tenant, context.RequestAborted).ConfigureAwait(false)).FirstOrDefault(k => k.KeyId == keyId);
        if (key is null)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such key", "This tenant has no API key with that id.");
        }

        await keys.RevokeAsync(key.KeyId, context.RequestAborted).ConfigureAwait(false);
        await ConsoleAudit.RecordAsync(context, view.User, view.Tenant, $"API key {key.KeyId} revoked ({key.Description})", key.KeyId).ConfigureAwait(false);
        view.Notice = $"API key {key.KeyId} is revoked; requests that present it are refused.";
        return Page<CredentialsPage>(context, "Credentials", await CredentialsModelAsync(context, keys, null, null).ConfigureAwait(false), section: "credentials");
    }

    private static async Task<IResult> CreateClientAsync(HttpContext context, ScimApiKeyManager keys)
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
            return Page<CredentialsPage>(context, "Credentials", await CredentialsModelAsync(context, keys, null, null).ConfigureAwait(false), StatusCodes.Status400BadRequest, "credentials");
        }

        var created = await oauth.CreateClientAsync(view.Tenant!, actor, description, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await ConsoleAudit.RecordAsync(context, view.User, view.Tenant, $"OAuth client {created.Client.ClientId} created for {actor} ({description})", created.Client.ClientId).ConfigureAwait(false);
        view.Notice = $"OAuth client {created.Client.ClientId} created.";
        var secret = created.Secret is { } s ? new CreatedSecretModel("Client secret", created.Client.ClientId, s.PlaintextSecret) : null;
        return Page<CredentialsPage>(context, "Credentials", await CredentialsModelAsync(context, keys, secret, "New client secret").ConfigureAwait(false), section: "credentials");
    }

    private static async Task<IResult> AddSecretAsync(HttpContext context, string clientId, ScimApiKeyManager keys)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        if (context.RequestServices.GetService<ScimOAuthClientManager>() is not { } oauth
            || (await oauth.ListClientsAsync(view.Tenant, context.RequestAborted).ConfigureAwait(false)).FirstOrDefault(c => c.ClientId == clientId && !c.IsRevoked) is not { } client)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such client", "This tenant has no active OAuth client with that id.");
        }

        var created = await oauth.AddSecretAsync(client.ClientId, "added in the console (rotation)", cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await ConsoleAudit.RecordAsync(context, view.User, view.Tenant, $"Secret {created.Secret.SecretId} added to OAuth client {client.ClientId} (rotation: both secrets valid until the old one is revoked)", client.ClientId).ConfigureAwait(false);
        view.Notice = $"A second secret was added to {client.ClientId}; both are valid until you revoke the old one.";
        return Page<CredentialsPage>(context, "Credentials", await CredentialsModelAsync(context, keys, new CreatedSecretModel("Client secret", client.ClientId, created.PlaintextSecret), "New client secret").ConfigureAwait(false), section: "credentials");
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

    private static async Task<IResult> RevokeSecretAsync(HttpContext context, string clientId, string secretId, ScimApiKeyManager keys)
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
        await ConsoleAudit.RecordAsync(context, view.User, view.Tenant, $"Secret {secretId} of OAuth client {clientId} revoked", clientId).ConfigureAwait(false);
        view.Notice = $"Secret {secretId} is revoked.";
        return Page<CredentialsPage>(context, "Credentials", await CredentialsModelAsync(context, keys, null, null).ConfigureAwait(false), section: "credentials");
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

internal sealed record RotationModel(ScimApiKey Old, ScimApiKey New);

internal sealed record ClientModel(ScimOAuthClient Client, IReadOnlyList<ScimOAuthClientSecret> Secrets);

internal sealed record CredentialsModel(
    IReadOnlyList<ScimApiKey> Keys,
    IReadOnlyList<RotationModel> Rotations,
    IReadOnlyList<ClientModel>? Clients,
    CreatedSecretModel? Created,
    string? CreatedLabel);
