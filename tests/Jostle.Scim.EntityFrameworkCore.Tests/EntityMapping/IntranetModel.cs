using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore.Tests.EntityMapping;

/// <summary>A host's own person table: its names, an int key the database generates, a counter as concurrency token.</summary>
public sealed class Person
{
    public int Id { get; set; }

    public string TenantId { get; set; } = "";

    public string Login { get; set; } = "";

    public string LoginNormalized { get; set; } = "";

    public bool Enabled { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? WorkEmail { get; set; }

    public string? PersonalEmail { get; set; }

    public string? AlternateEmail1 { get; set; }

    public string? AlternateEmail1Label { get; set; }

    public string? Department { get; set; }

    public string? Phone { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public int Version { get; set; }

    public string? ScimAttributes { get; set; }
}

/// <summary>A host's team table: a timestamp as concurrency token.</summary>
public sealed class Team
{
    public int Id { get; set; }

    public string TenantId { get; set; } = "";

    public string Name { get; set; } = "";

    public string NameNormalized { get; set; } = "";

    public DateTime UpdatedAt { get; set; }

    public DateTime Stamp { get; set; }

    public List<TeamMember> Members { get; set; } = [];
}

/// <summary>The join table of team members.</summary>
public sealed class TeamMember
{
    public int Id { get; set; }

    public int TeamId { get; set; }

    public int PersonId { get; set; }
}

/// <summary>The host's own DbContext, knowing nothing of SCIM but the JSON functions for its overflow column.</summary>
public sealed class IntranetContext(DbContextOptions<IntranetContext> options) : DbContext(options)
{
    public DbSet<Person> People => Set<Person>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Person>(p =>
        {
            p.HasIndex(x => new { x.TenantId, x.LoginNormalized }).IsUnique();
            p.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<Team>(t =>
        {
            t.HasIndex(x => new { x.TenantId, x.NameNormalized }).IsUnique();
            t.Property(x => x.Stamp).IsConcurrencyToken();
            t.HasMany(x => x.Members).WithOne().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<TeamMember>(m => m.HasIndex(x => new { x.TeamId, x.PersonId }).IsUnique());
        modelBuilder.HasScimJsonFunctions(Database);
    }
}

/// <summary>The map of the intranet's tables, as the host declares it.</summary>
public static class IntranetMap
{
    public const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string Jostle = "urn:ietf:params:scim:schemas:extension:jostle:2.0:User";

    public static void Configure(ScimEntityStoreBuilder<IntranetContext> scim, bool groups = true)
    {
        scim.Users<Person>(user => user
            .Id(p => p.Id)
            .Tenant(p => p.TenantId)
            .UserName(p => p.Login, normalized: p => p.LoginNormalized)
            .Active(p => p.Enabled)
            .Map("name.givenName", p => p.FirstName)
            .Map("name.familyName", p => p.LastName)
            .Map("emails[type eq \"work\"].value", p => p.WorkEmail)
            .Map("emails[type eq \"personal\"].value", p => p.PersonalEmail)
            .Map("emails[type eq \"alternate1\"].value", p => p.AlternateEmail1)
            .Map(Jostle + ":alternateEmail1Label", p => p.AlternateEmail1Label)
            .Map(Enterprise + ":department", p => p.Department)
            .Created(p => p.CreatedAt)
            .LastModified(p => p.UpdatedAt)
            .Version(p => p.Version)
            .Overflow(p => p.ScimAttributes));
        if (groups)
        {
            scim.Groups<Team>(group => group
                .Id(t => t.Id)
                .Tenant(t => t.TenantId)
                .DisplayName(t => t.Name, normalized: t => t.NameNormalized)
                .LastModified(t => t.UpdatedAt)
                .Version(t => t.Stamp)
                .Members(t => t.Members, m => m.PersonId));
        }
    }
}
