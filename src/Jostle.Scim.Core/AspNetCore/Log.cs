using Jostle.Scim.Filtering;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.AspNetCore;

/// <summary>The SCIM endpoints' log messages, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled exception while serving SCIM {Method} {Path}; answered 500.")]
    public static partial void UnhandledException(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "SCIM {Method} on {ResourceType} needed compatibility rules {Rules}.")]
    public static partial void CompatibilityApplied(ILogger logger, string method, string resourceType, ScimCompatibility rules);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "SCIM filter needed compatibility rules {Rules}.")]
    public static partial void FilterCompatibilityApplied(ILogger logger, FilterCompatibility rules);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "SCIM request {Method} {Path} failed with {Status} {ScimType}.")]
    public static partial void ClientError(ILogger logger, string method, string path, int status, string? scimType);
}
