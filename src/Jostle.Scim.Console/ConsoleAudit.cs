using Jostle.Scim.Provisioning;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.AdminConsole;

/// <summary>
/// Records every console action (sign-in, key created, rotated, revoked, settings changed) in the tenant's provisioning
/// log, so the tenant's history shows who changed its credentials and when. Operator actions outside a tenant are
/// recorded under the tenant <see cref="ServerTenant"/>.
/// </summary>
internal static class ConsoleAudit
{
    /// <summary>The log "tenant" of actions that belong to no tenant (an operator signing in, inviting an operator).</summary>
    public const string ServerTenant = "(server)";

    /// <summary>The resource type console actions carry in the log.</summary>
    public const string ResourceType = "Console";

    public static async Task RecordAsync(HttpContext context, ConsoleUser? user, string? tenant, string action, string? resourceId = null)
    {
        var entry = new ProvisioningLogEntry
        {
            Timestamp = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow(),
            Tenant = tenant ?? ServerTenant,
            Actor = user is null ? null : "console: " + user.Describe(),
            Operation = ProvisioningOperation.Other,
            ResourceType = ResourceType,
            ResourceId = resourceId,
            Status = StatusCodes.Status200OK,
            Detail = action,
            CorrelationId = context.TraceIdentifier,
        };
        foreach (var sink in context.RequestServices.GetServices<IProvisioningLogSink>())
        {
            await sink.WriteAsync(entry, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
