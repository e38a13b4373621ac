using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// The EF Core model of the SCIM stores: tables <c>scim_users</c>, <c>scim_user_emails</c>,
/// <c>scim_user_phone_numbers</c>, <c>scim_groups</c>, <c>scim_group_members</c>, <c>scim_api_keys</c> (hashes only) and
/// <c>scim_provisioning_log</c> (snake_case columns).
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

    /// <summary>The name of the unique index on a tenant's normalised user names (a violation of it is a <c>userName</c> conflict).</summary>
    internal const string UserNameIndex = "ux_scim_users_tenant_normalized_user_name";

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

        modelBuilder.Entity<ScimProvisioningLogEntity>(entry =>
        {
            entry.ToTable("scim_provisioning_log");
            entry.HasKey(e => e.Id);
            entry.HasIndex(e => new { e.TenantId, e.Timestamp });
            entry.HasIndex(e => e.Timestamp);
        });

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

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
