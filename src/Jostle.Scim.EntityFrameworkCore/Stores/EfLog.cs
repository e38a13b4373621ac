using Microsoft.Extensions.Logging;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>The EF Core stores' log messages (event ids 400–499).</summary>
internal static partial class EfLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "The provisioning log queue is full ({Capacity} records); records are being dropped ({Dropped} dropped so far). The database is slower than the request rate.")]
    public static partial void ProvisioningLogQueueFull(ILogger logger, int capacity, long dropped);

    [LoggerMessage(EventId = 401, Level = LogLevel.Error, Message = "Could not write {Count} provisioning log records to the database; they are lost.")]
    public static partial void ProvisioningLogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Could not delete expired provisioning log records; retrying at the next interval.")]
    public static partial void ProvisioningLogRetentionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Shutdown ended before the provisioning log was flushed; {Count} queued records may be lost.")]
    public static partial void ProvisioningLogFlushIncomplete(ILogger logger, long count);

    [LoggerMessage(EventId = 404, Level = LogLevel.Debug, Message = "Deleted {Count} provisioning log records older than {Expiry:O}.")]
    public static partial void ProvisioningLogExpired(ILogger logger, int count, DateTimeOffset expiry);
}
