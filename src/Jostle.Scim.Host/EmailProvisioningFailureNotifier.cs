using System.Globalization;
using System.Text;
using Jostle.Scim.Provisioning;
using MimeKit;

namespace Jostle.Scim.Host;

/// <summary>
/// <c>--smtp</c>, <c>--notify-email-from</c>, <c>--notify-email-to</c>. A recipient is <c>ADDRESS</c> (every tenant's
/// digests) or <c>TENANT=ADDRESS</c> (that tenant's digests only; tenant names are compared exactly, as everywhere).
/// </summary>
internal sealed record EmailDigestSettings(SmtpEndpoint Smtp, string From, IReadOnlyList<string> To)
{
    /// <summary>The addresses that receive <paramref name="tenant"/>'s digests.</summary>
    public IReadOnlyList<string> RecipientsFor(string tenant) =>
        [.. To.Select(Split).Where(r => r.Tenant is null || string.Equals(r.Tenant, tenant, StringComparison.Ordinal)).Select(r => r.Address)];

    /// <summary>Splits <c>[TENANT=]ADDRESS</c>: an <c>=</c> before the <c>@</c> separates the tenant.</summary>
    public static (string? Tenant, string Address) Split(string recipient)
    {
        var equals = recipient.IndexOf('=', StringComparison.Ordinal);
        var at = recipient.IndexOf('@', StringComparison.Ordinal);
        return equals > 0 && (at < 0 || equals < at) ? (recipient[..equals], recipient[(equals + 1)..]) : (null, recipient);
    }
}

/// <summary>
/// E-mails each tenant's failure digest (MailKit): one plain-text message per digest to every recipient, STARTTLS when
/// the server offers it. A failed send is logged and dropped — the provisioning log still holds every failure.
/// </summary>
internal sealed partial class EmailProvisioningFailureNotifier(
    EmailDigestSettings settings,
    ILogger<EmailProvisioningFailureNotifier> logger,
    Jostle.Scim.Administration.IScimAdministrationStore? administration = null) : IProvisioningFailureNotifier
{
    public async Task NotifyAsync(ProvisioningFailureDigest digest, CancellationToken cancellationToken)
    {
        var recipients = await SmtpMail.RecipientsAsync(settings, administration, digest.Tenant, cancellationToken).ConfigureAwait(false);
        if (recipients.Count == 0)
        {
            Log.NoRecipient(logger, digest.Tenant);
            return;
        }

        var message = Compose(digest, settings, recipients);
        try
        {
            await SmtpMail.SendAsync(settings, message, cancellationToken).ConfigureAwait(false);
            Log.Sent(logger, digest.Tenant, message.To.Count, settings.Smtp.ToString());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A mail server that is down must not stop the notification service; the log keeps the failures.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.Failed(logger, digest.Tenant, settings.Smtp.ToString(), HostErrors.Describe(e));
        }
    }

    internal static MimeMessage Compose(ProvisioningFailureDigest digest, EmailDigestSettings settings) =>
        Compose(digest, settings, settings.RecipientsFor(digest.Tenant));

    /// <summary>The message: subject with tenant and count, then one paragraph per failure group with examples.</summary>
    internal static MimeMessage Compose(ProvisioningFailureDigest digest, EmailDigestSettings settings, IReadOnlyList<string> recipients)
    {
        var subject = string.Create(CultureInfo.InvariantCulture, $"SCIM provisioning: {digest.TotalFailures} failed operation(s) for tenant '{digest.Tenant}'");
        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"Tenant '{digest.Tenant}' had {digest.TotalFailures} failed provisioning operation(s) from {digest.From:u} to {digest.To:u}.");
        foreach (var group in digest.Groups)
        {
            body.AppendLine();
            body.AppendLine(CultureInfo.InvariantCulture, $"{group.Count} x {group.Operation} {group.ResourceType} -> {group.Status}{(group.ScimType is null ? "" : " " + group.ScimType)}");
            foreach (var example in group.Examples)
            {
                body.AppendLine(CultureInfo.InvariantCulture, $"  {example.Timestamp:u} {example.UserName ?? example.DisplayName ?? example.ResourceId}: {example.Detail} (correlation {example.CorrelationId})");
            }
        }

        body.AppendLine();
        body.AppendLine("The provisioning log has every record: Jostle.Scim.Host log --tenant " + digest.Tenant + " --failed");
        return SmtpMail.Compose(settings, recipients, subject, body.ToString());
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "E-mailed the failure digest of tenant {Tenant} to {Recipients} recipient(s) through {Smtp}.")]
        public static partial void Sent(ILogger logger, string tenant, int recipients, string smtp);

        [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "No --notify-email-to recipient takes the failure digests of tenant {Tenant}; no e-mail sent.")]
        public static partial void NoRecipient(ILogger logger, string tenant);

        [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Could not e-mail the failure digest of tenant {Tenant} through {Smtp}: {Reason}")]
        public static partial void Failed(ILogger logger, string tenant, string smtp, string reason);
    }
}
