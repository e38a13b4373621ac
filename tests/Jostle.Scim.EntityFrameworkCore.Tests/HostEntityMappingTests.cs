using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Schema;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>A host's own user table, with its own names.</summary>
public sealed class AcmeEmployee
{
    public int EmployeeId { get; set; }

    public string Login { get; set; } = "";

    public string LoginUpper { get; set; } = "";

    public string? FirstName { get; set; }

    public string? Surname { get; set; }

    public bool IsEnabled { get; set; }

    public DateTime HiredOn { get; set; }

    public string? CostCentre { get; set; }

    public List<AcmeMailbox> Mailboxes { get; set; } = [];
}

/// <summary>One of the host's mail addresses.</summary>
public sealed class AcmeMailbox
{
    public int MailboxId { get; set; }

    public int EmployeeId { get; set; }

    public string Address { get; set; } = "";

    public string AddressUpper { get; set; } = "";

    public string Kind { get; set; } = "";
}

/// <summary>The host's own DbContext, knowing nothing of SCIM.</summary>
public sealed class AcmeContext(DbContextOptions<AcmeContext> options) : DbContext(options)
{
    public DbSet<AcmeEmployee> Employees => Set<AcmeEmployee>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AcmeEmployee>(e =>
        {
            e.ToTable("EMP");
            e.HasKey(x => x.EmployeeId);
            e.Property(x => x.Login).HasColumnName("LOGIN_NAME");
            e.Property(x => x.LoginUpper).HasColumnName("LOGIN_NAME_UC");
            e.Property(x => x.FirstName).HasColumnName("FIRST_NM");
            e.Property(x => x.IsEnabled).HasColumnName("ENABLED_FLAG");
            e.Property(x => x.HiredOn).HasColumnName("HIRE_DATE");
            e.HasIndex(x => x.LoginUpper).IsUnique();
            e.HasMany(x => x.Mailboxes).WithOne().HasForeignKey(m => m.EmployeeId);
        });
        modelBuilder.Entity<AcmeMailbox>(m =>
        {
            m.ToTable("MAILBOX");
            m.HasKey(x => x.MailboxId);
            m.Property(x => x.Address).HasColumnName("ADDR");
            m.Property(x => x.AddressUpper).HasColumnName("ADDR_UC");
            m.Property(x => x.Kind).HasColumnName("KIND");
        });
    }
}

/// <summary>A host maps SCIM onto its own entity class and DbContext and gets the same translation.</summary>
public sealed class HostEntityMappingTests : IDisposable
{
    private static readonly ResourceTypeDefinition UserType = SchemaRegistry.CreateDefault().GetResourceType("User");

    // The mapping a host writes once: SCIM attribute path → its own members.
    private static readonly ScimAttributeMap<AcmeEmployee> Map = new ScimAttributeMap<AcmeEmployee>()
        .Map("userName", e => e.Login, normalized: e => e.LoginUpper)
        .Map("name.givenName", e => e.FirstName)
        .Map("name.familyName", e => e.Surname)
        .Map("active", e => e.IsEnabled)
        .Map("meta.created", e => e.HiredOn)
        .Map("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", e => e.CostCentre)
        .MapCollection("emails", e => e.Mailboxes, mailbox => mailbox
            .Map("value", m => m.Address, normalized: m => m.AddressUpper)
            .Map("type", m => m.Kind));

    private readonly SqliteDatabase _file = new();
    private readonly DbContextOptions<AcmeContext> _options;

    public HostEntityMappingTests()
    {
        _options = new DbContextOptionsBuilder<AcmeContext>().UseSqlite(_file.ConnectionString).Options;
        using var context = new AcmeContext(_options);
        context.Database.EnsureCreated();
        context.Employees.AddRange(
            Employee(1, "ada@acme.test", "Ada", true, "2020-01-01T00:00:00Z", ("work", "Ada@Acme.test")),
            Employee(2, "bob@acme.test", "Bob", false, "2024-05-01T00:00:00Z", ("home", "bob@home.test"), ("work", "BOB@acme.test")),
            Employee(3, "cy@acme.test", null, true, "2025-01-01T00:00:00Z"));
        context.SaveChanges();
    }

    public void Dispose() => _file.Dispose();

    private static AcmeEmployee Employee(int id, string login, string? first, bool enabled, string hired, params (string Kind, string Address)[] mailboxes) => new()
    {
        EmployeeId = id,
        Login = login,
        LoginUpper = ScimAttributeMap.Normalize(login)!,
        FirstName = first,
        IsEnabled = enabled,
        HiredOn = DateTimeOffset.Parse(hired, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime,
        Mailboxes = [.. mailboxes.Select(m => new AcmeMailbox { Address = m.Address, AddressUpper = ScimAttributeMap.Normalize(m.Address)!, Kind = m.Kind })],
    };

    private IQueryable<AcmeEmployee> Where(AcmeContext context, string filter) =>
        context.Employees.Where(ScimLinqTranslator.Translate(ScimFilter.Parse(filter), UserType, Map));

    [Fact]
    public void AnEntraLookupOnTheHostsTableUsesTheHostsColumns()
    {
        using var context = new AcmeContext(_options);

        var sql = Where(context, "userName eq \"ADA@acme.test\"").ToQueryString();

        Assert.Contains("FROM \"EMP\"", sql, StringComparison.Ordinal);
        Assert.Matches("\"LOGIN_NAME_UC\" = @", sql);
        Assert.Equal([1], Where(context, "userName eq \"ADA@acme.test\"").Select(e => e.EmployeeId).ToArray());
    }

    [Fact]
    public void AWorkEmailLookupIsAnExistsOnTheHostsMailboxTable()
    {
        using var context = new AcmeContext(_options);
        var query = Where(context, "emails[type eq \"work\"].value eq \"bob@ACME.test\"");

        var sql = query.ToQueryString();

        Assert.Contains("EXISTS", sql, StringComparison.Ordinal);
        Assert.Contains("\"MAILBOX\"", sql, StringComparison.Ordinal);
        Assert.Contains("\"ADDR_UC\"", sql, StringComparison.Ordinal);
        Assert.Equal([2], query.Select(e => e.EmployeeId).ToArray());
    }

    [Theory]
    [InlineData("active eq true and name.givenName pr", "1")]
    [InlineData("name.givenName sw \"b\" or not (active eq true)", "2")]
    [InlineData("emails co \"acme\"", "1,2")]
    [InlineData("emails[type eq \"home\"]", "2")]
    [InlineData("userName ew \"@ACME.TEST\" and not (emails pr)", "3")]
    [InlineData("name.givenName eq null", "3")]
    [InlineData("meta.created gt \"2023-01-01T00:00:00Z\"", "2,3")]
    public void TheHostsEntitiesAnswerScimFilters(string filter, string expected)
    {
        using var context = new AcmeContext(_options);

        var ids = Where(context, filter).OrderBy(e => e.EmployeeId).Select(e => e.EmployeeId).ToArray();

        Assert.Equal([.. expected.Split(',').Select(int.Parse)], ids);
    }

    [Fact]
    public void SortingUsesTheHostsMapping()
    {
        using var context = new AcmeContext(_options);

        var ids = ScimLinqTranslator.ApplySort(context.Employees.AsQueryable(), AttributePath.Parse("name.givenName"), descending: false, UserType, Map)
            .ThenBy(e => e.EmployeeId)
            .Select(e => e.EmployeeId)
            .ToArray();

        Assert.Equal([1, 2, 3], ids);
    }

    [Fact]
    public void AnAttributeTheHostDidNotMapIsAnInvalidFilterError()
    {
        using var context = new AcmeContext(_options);

        var error = Assert.Throws<ScimException>(() => Where(context, "externalId eq \"x\""));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
        Assert.Equal("The attribute 'externalId' cannot be filtered by this store.", error.Message);
    }

    [Fact]
    public void MappingTheSameAttributeTwiceIsRejected()
    {
        var map = new ScimAttributeMap<AcmeEmployee>().Map("userName", e => e.Login);

        Assert.Throws<ArgumentException>(() => map.Map("USERNAME", e => e.LoginUpper));
    }
}
