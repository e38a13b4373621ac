using System.Globalization;
using System.Text;
using Jostle.Scim.Administration;
using MimeKit;

namespace Jostle.Scim.Host;

/// <summary>
/// E-mails console notifications — key-expiry warnings and the console's test notification — to the same recipients as
/// the tenant's failure digests (<c>--notify-email-to</c> and the tenant's own addresses), through <c>--smtp</c>. A failed
/// send is logged and reported as not delivered; it never throws into the caller.
/// </summary>
internal sealed partial class EmailAdministrationNotifier(
    EmailDigestSettings settings,
    ILogger<EmailAdministrationNotifier> logger,
    IScimAdministrationStore? administration = null) : IScimAdministrationNotifier
{
    public async Task<bool> NotifyAsync(ScimAdministrationNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        try
        {
            var recipients = await SmtpMail.RecipientsAsync(settings, administration, notification.Tenant, cancellationToken).ConfigureAwait(false);
            if (recipients.Count == 0)
            {
                Log.NoRecipient(logger, notification.Tenant);
                return false;
            }

            var message = Compose(notification, settings, recipients);
            await SmtpMail.SendAsync(settings, message, cancellationToken).ConfigureAwait(false);
            Log.Sent(logger, notification.Kind, notification.Tenant, message.To.Count, settings.Smtp.ToString());
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A mail server that is down must not fail the console page or the expiry check; the log says why.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.Failed(logger, notification.Kind, notification.Tenant, settings.Smtp.ToString(), HostErrors.Describe(e));
            return false;
        }
    }

    /// <summary>The message: the notification's subject, its text, and what to do next.</summary>
    internal static MimeMessage Compose(ScimAdministrationNotification notification, EmailDigestSettings settings, IReadOnlyList<string> recipients)
    {
        var body = new StringBuilder();
        body.AppendLine(notification.Message);
        if (notification.CredentialId is { } id)
        {
            body.AppendLine();
            body.AppendLine(CultureInfo.InvariantCulture, $"Credential: {id}");
            if (notification.ExpiresAt is { } expires)
            {
                body.AppendLine(CultureInfo.InvariantCulture, $"Expires: {expires:u}");
            }
        }

        body.AppendLine();
        body.AppendLine(notification.Kind == ScimAdministrationNotificationKind.Test
            ? "Nothing to do: this message only confirms that e-mail notifications for tenant " + notification.Tenant + " reach you. Change the recipients on the console's Notifications page."
            : "Rotate the credential before it expires: provisioning console → Credentials → Rotate.");
        return SmtpMail.Compose(settings, recipients, notification.Subject, body.ToString());
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "E-mailed the {Kind} notification of tenant {Tenant} to {Recipients} recipient(s) through {Smtp}.")]
        public static partial void Sent(ILogger logger, ScimAdministrationNotificationKind kind, string tenant, int recipients, string smtp);

        [LoggerMessage(EventId = 24, Level = LogLevel.Debug, Message = "No e-mail recipient takes the notifications of tenant {Tenant}; no e-mail sent.")]
        public static partial void NoRecipient(ILogger logger, string tenant);

        [LoggerMessage(EventId = 25, Level = LogLevel.Warning, Message = "Could not e-mail the {Kind} notification of tenant {Tenant} through {Smtp}: {Reason}")]
        public static partial void Failed(ILogger logger, ScimAdministrationNotificationKind kind, string tenant, string smtp, string reason);
    }
}
