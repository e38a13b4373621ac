namespace IntranetApp.Data;

/// <summary>A team: the app's own table.</summary>
public sealed class Team
{
    /// <summary>The key (an identity column the database numbers).</summary>
    public int Id { get; set; }

    /// <summary>The team's name, unique.</summary>
    public required string Name { get; set; }

    /// <summary>
    /// The name in upper case, unique: team names are unique whatever their case (SCIM's Group <c>displayName</c> is
    /// case-insensitive), and the unique index on this column is what makes two simultaneous creates of one name fail.
    /// </summary>
    public string NameNormalized { get; set; } = "";

    /// <summary>When the row was created (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>When the row last changed (UTC).</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>The concurrency token.</summary>
    public long Version { get; set; }

    /// <summary>Added with SCIM: the group attributes the app has no column for (e.g. externalId), as JSON.</summary>
    public string? ScimAttributes { get; set; }

    /// <summary>Who is in the team (a join entity).</summary>
    public List<TeamMember> Members { get; set; } = [];
}

/// <summary>A person's membership of a team: the join table.</summary>
public sealed class TeamMember
{
    /// <summary>The team.</summary>
    public int TeamId { get; set; }

    /// <summary>The person.</summary>
    public int PersonId { get; set; }

    /// <summary>When the person joined the team (UTC).</summary>
    public DateTime JoinedAt { get; set; }

    /// <summary>The team.</summary>
    public Team? Team { get; set; }

    /// <summary>The person.</summary>
    public Person? Person { get; set; }
}
