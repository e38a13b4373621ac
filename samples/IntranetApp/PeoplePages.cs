using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using IntranetApp.Data;
using Microsoft.EntityFrameworkCore;

namespace IntranetApp;

/// <summary>The app's own server-rendered pages: the staff directory at <c>/</c> and one person at <c>/people/{id}</c>.</summary>
public static class PeoplePages
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <summary>Maps the pages.</summary>
    /// <param name="app">The app.</param>
    public static void MapPeoplePages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", async (IntranetDbContext db, CancellationToken ct) =>
        {
            var people = await db.People.AsNoTracking()
                .OrderBy(p => p.LastName).ThenBy(p => p.FirstName).ThenBy(p => p.Login)
                .Select(p => new { p.Id, p.FirstName, p.LastName, p.Login, p.WorkEmail, p.Enabled, Teams = p.Teams.Select(m => m.Team!.Name).ToList() })
                .ToListAsync(ct);
            var body = new StringBuilder("<h1>People</h1><table><tr><th>Name</th><th>Login</th><th>Work e-mail</th><th>Teams</th><th>Status</th></tr>");
            foreach (var p in people)
            {
                body.Append(CultureInfo.InvariantCulture,
                    $"<tr><td><a href=\"/people/{p.Id}\">{E(FullName(p.FirstName, p.LastName))}</a></td><td>{E(p.Login)}</td><td>{E(p.WorkEmail)}</td><td>{E(string.Join(", ", p.Teams.Order(StringComparer.Ordinal)))}</td><td>{(p.Enabled ? "enabled" : "disabled")}</td></tr>");
            }

            body.Append("</table>");
            return Page("People", body.ToString());
        });

        app.MapGet("/people/{id:int}", async (int id, IntranetDbContext db, CancellationToken ct) =>
        {
            var p = await db.People.AsNoTracking().Include(x => x.Teams).ThenInclude(m => m.Team).FirstOrDefaultAsync(x => x.Id == id, ct);
            if (p is null)
            {
                return Results.Content(Document("Not found", "<h1>No such person</h1><p><a href=\"/\">All people</a></p>"), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound);
            }

            var body = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<h1>{E(FullName(p.FirstName, p.LastName))}</h1><dl>");
            void Row(string term, string? value) => body.Append(CultureInfo.InvariantCulture, $"<dt>{E(term)}</dt><dd>{E(value)}</dd>");
            Row("Login", p.Login);
            Row("Work e-mail", p.WorkEmail);
            Row("Personal e-mail", p.PersonalEmail);
            Row(p.AlternateEmail1Label ?? "Alternate e-mail 1", p.AlternateEmail1);
            Row(p.AlternateEmail2Label ?? "Alternate e-mail 2", p.AlternateEmail2);
            Row("Status", p.Enabled ? "enabled" : "disabled");
            Row("Teams", string.Join(", ", p.Teams.Select(m => m.Team!.Name).Order(StringComparer.Ordinal)));
            Row("Updated", p.UpdatedAt.ToString("u", CultureInfo.InvariantCulture) + " (version " + p.Version.ToString(CultureInfo.InvariantCulture) + ")");
            body.Append("</dl><p><a href=\"/\">All people</a></p>");
            return Page(FullName(p.FirstName, p.LastName), body.ToString());
        });
    }

    private static string FullName(string? first, string? last) => string.Join(' ', new[] { first, last }.Where(s => !string.IsNullOrEmpty(s)));

    private static string E(string? text) => Html.Encode(text ?? "");

    private static IResult Page(string title, string body) => Results.Content(Document(title, body), "text/html; charset=utf-8", Encoding.UTF8);

    private static string Document(string title, string body) =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)} · Intranet</title></head><body>{body}</body></html>";
}
