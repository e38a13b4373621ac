using System.Text.Json;
using Jostle.Scim.Protocol;
using Jostle.Scim.Service;

namespace Jostle.Scim.Administration;

/// <summary>Finds another user of a tenant with one of a user's e-mail addresses (the likely-duplicate check).</summary>
internal interface IScimUserEmails
{
    Task<(string Id, string? UserName, string Email)?> FindOtherUserWithSameEmailAsync(string tenantId, string userId, CancellationToken cancellationToken);
}

/// <summary><see cref="IScimUserEmails"/> over the SCIM service: reads the user, then filters <c>emails.value eq</c> each address.</summary>
internal sealed class ScimUserEmails(ScimResourceService service) : IScimUserEmails
{
    public async Task<(string Id, string? UserName, string Email)?> FindOtherUserWithSameEmailAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        StoredResourceView user;
        try
        {
            var resource = await service.GetAsync(ScimResourceKind.User, tenantId, userId, false, cancellationToken).ConfigureAwait(false);
            user = new(resource.Id, resource.Document);
        }
        catch (ScimException)
        {
            return null; // deleted since
        }

        if (user.Document.ValueKind != JsonValueKind.Object || !user.Document.TryGetProperty("emails", out var emails) || emails.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var email in emails.EnumerateArray())
        {
            if (email.ValueKind != JsonValueKind.Object || !email.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var address = value.GetString()!;
            var filter = "emails.value eq " + JsonSerializer.Serialize(address);
            var page = await service.QueryAsync(ScimResourceKind.User, tenantId, ScimQueryParameters.FromQuery(k => k switch { "filter" => filter, "count" => "5", _ => null }, 5), cancellationToken).ConfigureAwait(false);
            foreach (var other in page.Result.Resources)
            {
                if (other.Id != user.Id)
                {
                    var userName = other.Document.TryGetProperty("userName", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                    return (other.Id, userName, address);
                }
            }
        }

        return null;
    }

    private readonly record struct StoredResourceView(string Id, JsonElement Document);
}
