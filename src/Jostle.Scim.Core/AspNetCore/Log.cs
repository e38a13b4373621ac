using Jostle.Scim.Filtering;
using Jostle.Scim.Provisioning;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.AspNetCore;

/// <summary>The SCIM endpoints' log messages, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled exception while serving SCIM {Operation} {ResourceType} {ResourceId} in tenant {Tenant}; answered {Status} in {ElapsedMs:0.0} ms (correlation {CorrelationId}).")]
    public static partial void UnhandledException(ILogger logger, ProvisioningOperation operation, string? resourceType, string? resourceId, string? tenant, int status, double elapsedMs, string correlationId, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "SCIM {Method} on {ResourceType} needed compatibility rules {Rules}.")]
    public static partial void CompatibilityApplied(ILogger logger, string method, string resourceType, ScimCompatibility rules);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "SCIM filter needed compatibility rules {Rules}.")]
    public static partial void FilterCompatibilityApplied(ILogger logger, FilterCompatibility rules);

    // Event 4 ("SCIM request {Method} {Path} failed") is retired: it doubled event 11, which says more. Do not reuse it.

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "SCIM {Operation} {ResourceType} {ResourceId} in tenant {Tenant} answered {Status} in {ElapsedMs:0.0} ms (correlation {CorrelationId}).")]
    public static partial void OperationSucceeded(ILogger logger, ProvisioningOperation operation, string? resourceType, string? resourceId, string? tenant, int status, double elapsedMs, string correlationId);

    /// <remarks>Information for a client error (4xx: provisioning clients cause them routinely), Warning for a 5xx.</remarks>
    [LoggerMessage(EventId = 11, Message = "SCIM {Operation} {ResourceType} {ResourceId} in tenant {Tenant} failed with {Status} {ScimType} in {ElapsedMs:0.0} ms (correlation {CorrelationId}).")]
    public static partial void OperationFailed(ILogger logger, LogLevel level, ProvisioningOperation operation, string? resourceType, string? resourceId, string? tenant, int status, string? scimType, double elapsedMs, string correlationId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Provisioning log sink {Sink} failed to write a record; the SCIM request was not affected.")]
    public static partial void SinkFailed(ILogger logger, string sink, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "The SCIM store is unavailable; answered {Status} with Retry-After: {ExceptionType}: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, int status, string exceptionType, string reason);

    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "SCIM event handler {Handler} failed on {Event} for {ResourceType} {ResourceId} in tenant {Tenant} (correlation {CorrelationId}); the committed write and the response were not affected.")]
    public static partial void EventHandlerFailed(ILogger logger, string handler, string @event, string resourceType, string resourceId, string tenant, string? correlationId, Exception exception);
}
