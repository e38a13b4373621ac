using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Jostle.Scim.Host;

/// <summary>
/// What the host's e-mail notifiers share: who receives a tenant's mail and how one message goes out through
/// <c>--smtp</c> (MailKit, STARTTLS when the server offers it).
/// </summary>
internal static class SmtpMail
{
    /// <summary>How long one delivery may take.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The command line's recipients for the tenant (<c>--notify-email-to</c>) and the addresses the tenant's admins entered
    /// on the console's Notifications page, each once.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RecipientsAsync(
        EmailDigestSettings settings, Jostle.Scim.Administration.IScimAdministrationStore? administration, string tenant, CancellationToken cancellationToken)
    {
        var recipients = new List<string>(settings.RecipientsFor(tenant));
        if (administration is not null
            && await administration.GetNotificationSettingsAsync(tenant, cancellationToken).ConfigureAwait(false) is { } console)
        {
            recipients.AddRange(console.EmailAddresses.Where(a => !recipients.Contains(a, StringComparer.OrdinalIgnoreCase)));
        }

        return recipients;
    }

    /// <summary>A message from <c>--notify-email-from</c> to <paramref name="recipients"/> with a plain-text body.</summary>
    public static MimeMessage Compose(EmailDigestSettings settings, IReadOnlyList<string> recipients, string subject, string body)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        foreach (var to in recipients)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    /// <summary>Sends <paramref name="message"/> through <c>--smtp</c>; throws when the server cannot be reached or refuses it.</summary>
    public static async Task SendAsync(EmailDigestSettings settings, MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        await client.ConnectAsync(settings.Smtp.Host, settings.Smtp.Port, SecureSocketOptions.Auto, cancellationToken).ConfigureAwait(false);
        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }
}
