using Jostle.Scim.Provisioning;

namespace Jostle.Scim.Host.Tests;

/// <summary><c>--notify-email-to [TENANT=]ADDRESS</c>: who receives which tenant's failure digests.</summary>
public class EmailRecipientsTests
{
    private static readonly EmailDigestSettings Settings = new(
        new SmtpEndpoint("mail.example.com", 587),
        "scim@example.com",
        ["ops@example.com", "acme=it@acme.example", "globex=admin@globex.example", "acme=second@acme.example"]);

    [Fact]
    public void ATenantsDigestGoesToItsOwnRecipientsAndToTheRecipientsOfEveryTenant()
    {
        Assert.Equal(["ops@example.com", "it@acme.example", "second@acme.example"], Settings.RecipientsFor("acme"));
        Assert.Equal(["ops@example.com", "admin@globex.example"], Settings.RecipientsFor("globex"));
        Assert.Equal(["ops@example.com"], Settings.RecipientsFor("initech"));
    }

    [Fact]
    public void TenantNamesAreComparedExactly() => Assert.Equal(["ops@example.com"], Settings.RecipientsFor("ACME"));

    [Fact]
    public void TheMessageIsAddressedToThatTenantsRecipientsOnly()
    {
        var digest = new ProvisioningFailureDigest
        {
            Tenant = "globex",
            From = DateTimeOffset.UnixEpoch,
            To = DateTimeOffset.UnixEpoch.AddMinutes(5),
            TotalFailures = 0,
            Groups = [],
        };

        var message = EmailProvisioningFailureNotifier.Compose(digest, Settings);
        Assert.Equal(["ops@example.com", "admin@globex.example"], message.To.Mailboxes.Select(m => m.Address));
    }

    [Theory]
    [InlineData("ops@example.com", null, "ops@example.com")]
    [InlineData("acme=it@acme.example", "acme", "it@acme.example")]
    [InlineData("a=b@x.example", "a", "b@x.example")]
    [InlineData("odd@x=y.example", null, "odd@x=y.example")]
    public void ARecipientSplitsIntoTenantAndAddressAtAnEqualsSignBeforeTheAt(string recipient, string? tenant, string address) =>
        Assert.Equal((tenant, address), EmailDigestSettings.Split(recipient));
}
