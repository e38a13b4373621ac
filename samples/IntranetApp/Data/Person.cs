namespace IntranetApp.Data;

/// <summary>Someone in the staff directory: the app's own table, from before it had SCIM.</summary>
public sealed class Person
{
    /// <summary>The key (an identity column the database numbers).</summary>
    public int Id { get; set; }

    /// <summary>The sign-in name, e.g. <c>ada@contoso.com</c>.</summary>
    public required string Login { get; set; }

    /// <summary><see cref="Login"/> upper-cased: the unique index that makes logins case-insensitively unique.</summary>
    public required string LoginNormalized { get; set; }

    /// <summary>The first name.</summary>
    public string? FirstName { get; set; }

    /// <summary>The last name.</summary>
    public string? LastName { get; set; }

    /// <summary>The work e-mail address.</summary>
    public string? WorkEmail { get; set; }

    /// <summary>The personal e-mail address.</summary>
    public string? PersonalEmail { get; set; }

    /// <summary>A first alternate e-mail address.</summary>
    public string? AlternateEmail1 { get; set; }

    /// <summary>What <see cref="AlternateEmail1"/> is, e.g. "Home".</summary>
    public string? AlternateEmail1Label { get; set; }

    /// <summary>A second alternate e-mail address.</summary>
    public string? AlternateEmail2 { get; set; }

    /// <summary>What <see cref="AlternateEmail2"/> is.</summary>
    public string? AlternateEmail2Label { get; set; }

    /// <summary>Whether the person may sign in.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>When the row was created (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>When the row last changed (UTC).</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>The concurrency token: every write adds one, and a write that read an older value fails.</summary>
    public long Version { get; set; }

    /// <summary>
    /// Added with SCIM: the attributes an identity provider sends that the app has no column for (externalId,
    /// displayName, the enterprise extension, …), as JSON, so they round-trip. The app itself never reads it.
    /// </summary>
    public string? ScimAttributes { get; set; }

    /// <summary>The teams the person is in.</summary>
    public List<TeamMember> Teams { get; set; } = [];

    /// <summary>Records a change the app itself made: a new version and modification time.</summary>
    /// <param name="now">The time of the change.</param>
    public void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}
