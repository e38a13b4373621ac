using Jostle.Scim.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace IntranetApp.Data;

/// <summary>The intranet's own database: people, teams and team members.</summary>
/// <param name="options">The options (SQLite).</param>
public sealed class IntranetDbContext(DbContextOptions<IntranetDbContext> options) : DbContext(options)
{
    /// <summary>The staff directory.</summary>
    public DbSet<Person> People => Set<Person>();

    /// <summary>The teams.</summary>
    public DbSet<Team> Teams => Set<Team>();

    /// <summary>Who is in which team.</summary>
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Added with SCIM: SQL functions that let filters on the ScimAttributes overflow columns run in the database.
        modelBuilder.HasScimJsonFunctions(Database);
        modelBuilder.Entity<Person>(person =>
        {
            person.ToTable("people");
            person.HasIndex(p => p.LoginNormalized).IsUnique();
            person.Property(p => p.Login).HasMaxLength(256);
            person.Property(p => p.LoginNormalized).HasMaxLength(256);
            person.Property(p => p.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<Team>(team =>
        {
            team.ToTable("teams");
            team.HasIndex(t => t.NameNormalized).IsUnique();
            team.Property(t => t.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<TeamMember>(member =>
        {
            member.ToTable("team_members");
            member.HasKey(m => new { m.TeamId, m.PersonId });
            member.HasOne(m => m.Team).WithMany(t => t.Members).HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne(m => m.Person).WithMany(p => p.Teams).HasForeignKey(m => m.PersonId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
