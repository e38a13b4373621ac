using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// The EF Core model of the SCIM stores: tables <c>scim_users</c>, <c>scim_user_emails</c>,
/// <c>scim_user_phone_numbers</c>, <c>scim_groups</c>, <c>scim_group_members</c>, <c>scim_api_keys</c> (hashes only), the OAuth tables <c>scim_oauth_clients</c>,
/// <c>scim_oauth_client_secrets</c> (hashes only), <c>scim_oauth_federated_credentials</c>, <c>scim_oauth_signing_keys</c>
/// and <c>scim_oauth_used_assertions</c>, and
/// <c>scim_provisioning_log</c> (snake_case columns), on SQLite or
/// PostgreSQL. On PostgreSQL every text column uses the <c>"C"</c> collation, so comparisons, sorting and <c>LIKE</c>
/// prefixes are ordinal and index-backed as on SQLite, and dates are <c>timestamptz</c> written in UTC.
/// </summary>
/// <param name="options">The context options (provider and connection).</param>
public class ScimDbContext(DbContextOptions<ScimDbContext> options) : DbContext(options)
{
    /// <summary>The users.</summary>
    public DbSet<ScimUserEntity> Users => Set<ScimUserEntity>();

    /// <summary>The users' emails.</summary>
    public DbSet<ScimUserEmailEntity> UserEmails => Set<ScimUserEmailEntity>();

    /// <summary>The users' phone numbers.</summary>
    public DbSet<ScimUserPhoneNumberEntity> UserPhoneNumbers => Set<ScimUserPhoneNumberEntity>();

    /// <summary>The groups (without members).</summary>
    public DbSet<ScimGroupEntity> Groups => Set<ScimGroupEntity>();

    /// <summary>The group members, one row each.</summary>
    public DbSet<ScimGroupMemberEntity> GroupMembers => Set<ScimGroupMemberEntity>();

    /// <summary>The provisioning API keys (hashes only).</summary>
    internal DbSet<ScimApiKeyEntity> ApiKeys => Set<ScimApiKeyEntity>();

    /// <summary>The provisioning log.</summary>
    internal DbSet<ScimProvisioningLogEntity> ProvisioningLog => Set<ScimProvisioningLogEntity>();

    /// <summary>The console's one-time sign-in links (token hashes only).</summary>
    internal DbSet<ScimConsoleLinkEntity> ConsoleLinks => Set<ScimConsoleLinkEntity>();

    /// <summary>The OAuth clients.</summary>
    internal DbSet<ScimOAuthClientEntity> OAuthClients => Set<ScimOAuthClientEntity>();

    /// <summary>The OAuth client secrets (hashes only).</summary>
    internal DbSet<ScimOAuthClientSecretEntity> OAuthClientSecrets => Set<ScimOAuthClientSecretEntity>();

    /// <summary>Credential rotations (<see cref="EfScimAdministrationStore"/>).</summary>
    internal DbSet<ScimCredentialRotationEntity> CredentialRotations => Set<ScimCredentialRotationEntity>();

    /// <summary>Per-tenant notification settings (<see cref="EfScimAdministrationStore"/>).</summary>
    internal DbSet<ScimNotificationSettingsEntity> NotificationSettings => Set<ScimNotificationSettingsEntity>();

    /// <summary>The federated credentials.</summary>
    internal DbSet<ScimFederatedCredentialEntity> OAuthFederatedCredentials => Set<ScimFederatedCredentialEntity>();

    /// <summary>The access token signing keys.</summary>
    internal DbSet<ScimOAuthSigningKeyEntity> OAuthSigningKeys => Set<ScimOAuthSigningKeyEntity>();

    /// <summary>The client assertions already used (replay protection).</summary>
    internal DbSet<ScimOAuthUsedAssertionEntity> OAuthUsedAssertions => Set<ScimOAuthUsedAssertionEntity>();

    /// <summary>The name of the unique index on a tenant's normalised user names (a violation of it is a <c>userName</c> conflict).</summary>
    internal const string UserNameIndex = "ux_scim_users_tenant_normalized_user_name";

    /// <summary>The name of the unique index on a tenant's normalised group display names (a violation of it is a <c>displayName</c> conflict).</summary>
    internal const string GroupDisplayNameIndex = "ux_scim_groups_tenant_unique_display_name";

    /// <summary>The members table, for the raw insert-or-ignore statement.</summary>
    internal const string MembersTable = "scim_group_members";

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<ScimUserEntity>(user =>
        {
            user.ToTable("scim_users");
            user.HasKey(u => u.Key);
            user.HasAlternateKey(u => new { u.TenantId, u.Id });
            user.HasIndex(u => new { u.TenantId, u.NormalizedUserName }).IsUnique().HasDatabaseName(UserNameIndex);
            user.HasIndex(u => new { u.TenantId, u.ExternalId });
            user.HasIndex(u => new { u.TenantId, u.NormalizedDisplayName });
            user.Property(u => u.Version).IsConcurrencyToken();
            user.HasMany(u => u.Emails).WithOne().HasForeignKey(e => e.UserKey).OnDelete(DeleteBehavior.Cascade);
            user.HasMany(u => u.PhoneNumbers).WithOne().HasForeignKey(p => p.UserKey).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ScimUserEmailEntity>(email =>
        {
            email.ToTable("scim_user_emails");
            email.HasKey(e => e.Key);
            email.HasIndex(e => new { e.TenantId, e.NormalizedValue });
        });

        modelBuilder.Entity<ScimUserPhoneNumberEntity>(phone =>
        {
            phone.ToTable("scim_user_phone_numbers");
            phone.HasKey(p => p.Key);
            phone.HasIndex(p => new { p.TenantId, p.NormalizedValue });
        });

        modelBuilder.Entity<ScimGroupEntity>(group =>
        {
            group.ToTable("scim_groups");
            group.HasKey(g => g.Key);
            group.HasAlternateKey(g => new { g.TenantId, g.Id });
            group.HasIndex(g => new { g.TenantId, g.NormalizedDisplayName });
            group.HasIndex(g => new { g.TenantId, g.UniqueDisplayName }).IsUnique().HasDatabaseName(GroupDisplayNameIndex);
            group.HasIndex(g => new { g.TenantId, g.ExternalId });
            group.Property(g => g.Version).IsConcurrencyToken();
            group.HasMany(g => g.Members).WithOne()
                .HasForeignKey(m => new { m.TenantId, m.GroupId })
                .HasPrincipalKey(g => new { g.TenantId, g.Id })
                .OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ScimGroupMemberEntity>(member =>
        {
            member.ToTable(MembersTable);
            member.HasKey(m => m.Key);
            member.HasIndex(m => new { m.TenantId, m.GroupId, m.MemberId }).IsUnique();
            member.HasIndex(m => new { m.TenantId, m.MemberId });
        });

        modelBuilder.Entity<ScimApiKeyEntity>(key =>
        {
            key.ToTable("scim_api_keys");
            key.HasKey(k => k.KeyId);
            key.HasIndex(k => k.TenantId);
        });

        modelBuilder.Entity<ScimConsoleLinkEntity>(link =>
        {
            link.ToTable("scim_console_links");
            link.HasKey(l => l.LinkId);
            link.HasIndex(l => l.TenantId);
        });

        modelBuilder.Entity<ScimProvisioningLogEntity>(entry =>
        {
            entry.ToTable("scim_provisioning_log");
            entry.HasKey(e => e.Id);
            entry.HasIndex(e => new { e.TenantId, e.Timestamp });
            entry.HasIndex(e => e.Timestamp);
        });

        modelBuilder.Entity<ScimCredentialRotationEntity>(rotation =>
        {
            rotation.ToTable("scim_credential_rotations");
            rotation.HasKey(r => r.RotationId);
            rotation.HasIndex(r => new { r.TenantId, r.CompletedAt });
        });

        modelBuilder.Entity<ScimNotificationSettingsEntity>(settings =>
        {
            settings.ToTable("scim_notification_settings");
            settings.HasKey(s => s.TenantId);
        });

        modelBuilder.Entity<ScimOAuthClientEntity>(client =>
        {
            client.ToTable("scim_oauth_clients");
            client.HasKey(c => c.ClientId);
            client.HasIndex(c => c.TenantId);
        });

        modelBuilder.Entity<ScimOAuthClientSecretEntity>(secret =>
        {
            secret.ToTable("scim_oauth_client_secrets");
            secret.HasKey(s => s.SecretId);
            secret.HasIndex(s => s.ClientId);
        });

        modelBuilder.Entity<ScimFederatedCredentialEntity>(credential =>
        {
            credential.ToTable("scim_oauth_federated_credentials");
            credential.HasKey(c => c.CredentialId);
            credential.HasIndex(c => new { c.Issuer, c.Subject });
            credential.HasIndex(c => c.ClientId);
        });

        modelBuilder.Entity<ScimOAuthSigningKeyEntity>(key =>
        {
            key.ToTable("scim_oauth_signing_keys");
            key.HasKey(k => k.KeyId);
        });

        modelBuilder.Entity<ScimOAuthUsedAssertionEntity>(assertion =>
        {
            assertion.ToTable("scim_oauth_used_assertions");
            assertion.HasKey(a => new { a.Issuer, a.TokenId });
            assertion.HasIndex(a => a.ExpiresAt);
        });

        var postgres = Database.IsNpgsql();
        ScimJsonFunctions.Register(modelBuilder, postgres);
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
                if (postgres)
                {
                    ConfigureForPostgres(property);
                }
            }
        }
    }

    /// <summary>The collation PostgreSQL text columns use: byte order, the ordinal comparison SQLite and the in-memory store use.</summary>
    internal const string PostgresCollation = "C";

    private static void ConfigureForPostgres(Microsoft.EntityFrameworkCore.Metadata.IMutableProperty property)
    {
        var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        if (type == typeof(string))
        {
            // The database's default collation may be linguistic (en_US.UTF-8): "C" keeps sorting and ge/gt/lt/le
            // ordinal, and lets the btree indexes serve LIKE 'prefix%' (sw) as well as equality.
            property.SetCollation(PostgresCollation);
        }
        else if (type == typeof(DateTimeOffset))
        {
            // timestamptz only takes UTC offsets: store the same instant at offset zero.
            property.SetValueConverter(property.ClrType == type ? UtcOffsetConverter : NullableUtcOffsetConverter);
        }
        else if (type == typeof(DateTime))
        {
            // timestamptz only takes DateTimeKind.Utc: the stores write UTC; an unspecified kind is taken as UTC.
            property.SetValueConverter(property.ClrType == type ? UtcDateTimeConverter : NullableUtcDateTimeConverter);
        }
    }

    private static readonly ValueConverter<DateTimeOffset, DateTimeOffset> UtcOffsetConverter = new(v => v.ToUniversalTime(), v => v);

    private static readonly ValueConverter<DateTimeOffset?, DateTimeOffset?> NullableUtcOffsetConverter =
        new(v => v.HasValue ? v.Value.ToUniversalTime() : v, v => v);

    private static readonly ValueConverter<DateTime, DateTime> UtcDateTimeConverter = new(v => ToUtc(v), v => ToUtc(v));

    private static readonly ValueConverter<DateTime?, DateTime?> NullableUtcDateTimeConverter =
        new(v => v.HasValue ? ToUtc(v.Value) : v, v => v.HasValue ? ToUtc(v.Value) : v);

    private static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
