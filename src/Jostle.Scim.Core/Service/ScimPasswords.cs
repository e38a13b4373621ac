using System.Text.Json.Nodes;
using Jostle.Scim.Patching;

using Jostle.Scim.AspNetCore;

namespace Jostle.Scim.Service;

/// <summary>
/// What happens to a User's <c>password</c> (RFC 7643 §4.1.1: write-only, <c>returned: never</c>) when a POST, PUT or
/// PATCH carries one — Okta sends it on create. Whatever the choice, the password is never kept in the stored document
/// and never returned.
/// </summary>
public enum ScimPasswordHandling
{
    /// <summary>Drop it; the provisioning log record notes that a password was received and not stored (never the value). The default.</summary>
    Discard = 0,

    /// <summary>Refuse the request: <c>400 invalidValue</c>, nothing is written.</summary>
    Refuse = 1,

    /// <summary>Hand it to the registered <see cref="IScimPasswordSink"/> after the user is written; the log record notes the hand-over (never the value).</summary>
    HandToHost = 2,
}

/// <summary>
/// Receives the passwords clients send when <see cref="JostleScimOptions.Passwords"/> is
/// <see cref="ScimPasswordHandling.HandToHost"/>: register one as a singleton (<c>services.AddSingleton&lt;IScimPasswordSink, MySink&gt;()</c>).
/// Called after the create, replace or PATCH that carried the password has been written.
/// </summary>
public interface IScimPasswordSink
{
    /// <summary>Takes a password, e.g. to set it in the host's own identity system.</summary>
    /// <param name="password">The tenant, the user's id and the password.</param>
    /// <param name="cancellationToken">The request's cancellation token.</param>
    /// <returns>A task that completes when the password has been handled.</returns>
    Task ReceiveAsync(ScimPasswordReceived password, CancellationToken cancellationToken);
}

/// <summary>A password a client sent for a user. <see cref="ToString"/> never prints the password.</summary>
/// <param name="tenant">The tenant.</param>
/// <param name="userId">The user's id.</param>
/// <param name="password">The cleartext password.</param>
public sealed class ScimPasswordReceived(string tenant, string userId, string password)
{
    /// <summary>The tenant.</summary>
    public string Tenant { get; } = tenant;

    /// <summary>The user's id.</summary>
    public string UserId { get; } = userId;

    /// <summary>The cleartext password, as the client sent it.</summary>
    public string Password { get; } = password;

    /// <summary>The tenant and user, without the password.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() => $"password for user {UserId} of tenant {Tenant}";
}

/// <summary>Takes a <c>password</c> out of a validated User document and applies <see cref="ScimPasswordHandling"/>.</summary>
internal static class ScimPasswordHandler
{
    /// <summary>Removes <c>password</c> from the document; refuses it under <see cref="ScimPasswordHandling.Refuse"/>.</summary>
    /// <returns>The password, or <see langword="null"/> when the document carried none.</returns>
    public static string? Take(JsonObject document, ScimPasswordHandling handling)
    {
        if (JsonMemberLookup.Find(document, "password") is not { } key)
        {
            return null;
        }

        var value = document[key];
        document.Remove(key);
        if (value is not JsonValue v || !v.TryGetValue<string>(out var password))
        {
            return null;
        }

        if (handling == ScimPasswordHandling.Refuse)
        {
            throw new ScimException(ScimErrorType.InvalidValue,
                "This service provider does not accept passwords: remove \"password\" from the request (users sign in through their identity provider).");
        }

        return password;
    }

    /// <summary>After the write: hands the password over or notes that it was dropped.</summary>
    public static async Task DeliverAsync(string? password, ScimPasswordHandling handling, IScimPasswordSink? sink, string tenant, string userId, CancellationToken ct)
    {
        if (password is null)
        {
            return;
        }

        if (handling == ScimPasswordHandling.HandToHost && sink is not null)
        {
            await sink.ReceiveAsync(new ScimPasswordReceived(tenant, userId, password), ct);
            ScimOperation.Current?.AddNote("A password was received and handed to the host; it is not stored.");
            return;
        }

        ScimOperation.Current?.AddNote("A password was received and not stored.");
    }
}
