using IntranetApp.Data;
using Microsoft.EntityFrameworkCore;

namespace IntranetApp;

/// <summary>A person as the app's own JSON API reads and writes it.</summary>
/// <param name="Login">The sign-in name.</param>
/// <param name="FirstName">The first name.</param>
/// <param name="LastName">The last name.</param>
/// <param name="WorkEmail">The work e-mail.</param>
/// <param name="PersonalEmail">The personal e-mail.</param>
/// <param name="Enabled">Whether the person may sign in.</param>
public sealed record PersonInput(string Login, string? FirstName, string? LastName, string? WorkEmail, string? PersonalEmail, bool Enabled = true);

/// <summary>A person as the API answers it, with the row's version.</summary>
/// <param name="Id">The key.</param>
/// <param name="Login">The sign-in name.</param>
/// <param name="FirstName">The first name.</param>
/// <param name="LastName">The last name.</param>
/// <param name="WorkEmail">The work e-mail.</param>
/// <param name="PersonalEmail">The personal e-mail.</param>
/// <param name="Enabled">Whether the person may sign in.</param>
/// <param name="Version">The row's concurrency token.</param>
/// <param name="UpdatedAt">When the row last changed.</param>
public sealed record PersonOutput(int Id, string Login, string? FirstName, string? LastName, string? WorkEmail, string? PersonalEmail, bool Enabled, long Version, DateTime UpdatedAt)
{
    internal static PersonOutput From(Person p) => new(p.Id, p.Login, p.FirstName, p.LastName, p.WorkEmail, p.PersonalEmail, p.Enabled, p.Version, p.UpdatedAt);
}

/// <summary>The app's own small JSON API over people (its admin screens use it; SCIM is not involved).</summary>
public static class PeopleApi
{
    /// <summary>Maps <c>/api/people</c>.</summary>
    /// <param name="app">The app.</param>
    public static void MapPeopleApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/people");
        api.MapGet("/", async (IntranetDbContext db, CancellationToken ct) =>
            (await db.People.AsNoTracking().OrderBy(p => p.Login).ToListAsync(ct)).Select(PersonOutput.From));

        api.MapGet("/{id:int}", async (int id, IntranetDbContext db, CancellationToken ct) =>
            await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } p ? Results.Ok(PersonOutput.From(p)) : Results.NotFound());

        api.MapPost("/", async (PersonInput input, IntranetDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(input.Login))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["login"] = ["A login is required."] });
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var person = new Person { Login = input.Login, LoginNormalized = input.Login.ToUpperInvariant(), CreatedAt = now, UpdatedAt = now, Version = 1 };
            Apply(person, input);
            db.People.Add(person);
            if (!await TrySaveAsync(db, ct))
            {
                return Results.Conflict(new { error = $"The login '{input.Login}' is taken." });
            }

            return Results.Created($"/api/people/{person.Id}", PersonOutput.From(person));
        });

        api.MapPut("/{id:int}", async (int id, PersonInput input, IntranetDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var person = await db.People.FirstOrDefaultAsync(p => p.Id == id, ct);
            if (person is null)
            {
                return Results.NotFound();
            }

            person.Login = input.Login;
            person.LoginNormalized = input.Login.ToUpperInvariant();
            Apply(person, input);
            person.Touch(clock.GetUtcNow().UtcDateTime);
            return await TrySaveAsync(db, ct) ? Results.Ok(PersonOutput.From(person)) : Results.Conflict(new { error = "The person changed meanwhile, or the login is taken." });
        });
    }

    private static void Apply(Person person, PersonInput input)
    {
        person.FirstName = input.FirstName;
        person.LastName = input.LastName;
        person.WorkEmail = input.WorkEmail;
        person.PersonalEmail = input.PersonalEmail;
        person.Enabled = input.Enabled;
    }

    private static async Task<bool> TrySaveAsync(IntranetDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }
}
