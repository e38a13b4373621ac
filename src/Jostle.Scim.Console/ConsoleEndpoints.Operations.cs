using System.Globalization;
using Jostle.Scim.AdminConsole.Pages;
using Jostle.Scim.Administration;
using Jostle.Scim.Provisioning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.AdminConsole;

/// <summary>The Test connection, Request log, Health and Notifications pages.</summary>
internal static partial class ConsoleEndpoints
{
    /// <summary>Records on one page of the request log.</summary>
    internal const int LogPageSize = 25;

    internal static readonly (string Value, string Text, TimeSpan? Interval)[] DigestIntervals =
    [
        ("", "The server's default", null),
        ("15m", "Every 15 minutes", TimeSpan.FromMinutes(15)),
        ("1h", "Every hour", TimeSpan.FromHours(1)),
        ("6h", "Every 6 hours", TimeSpan.FromHours(6)),
        ("24h", "Once a day", TimeSpan.FromHours(24)),
    ];

    private static void MapOperations(RouteGroupBuilder tenant)
    {
        tenant.MapGet("/test", (Func<HttpContext, IResult>)(context => Page<TestConnectionPage>(context, "Test connection", new TestConnectionModel(null, null), section: "test")));
        tenant.MapPost("/test", TestConnectionAsync);
        tenant.MapGet("/log", LogAsync);
        tenant.MapPost("/log/reveal", RevealAsync);
        tenant.MapGet("/health", HealthAsync);
        tenant.MapGet("/notifications", NotificationsAsync);
        tenant.MapPost("/notifications", SaveNotificationsAsync);
        tenant.MapPost("/notifications/test", SendTestNotificationAsync);
    }

    // ---- test connection ----

    private static async Task<IResult> TestConnectionAsync(HttpContext context, ScimConnectionTester tester)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var provider = Field(form, "provider") == "okta" ? ScimProviderKind.Okta : ScimProviderKind.EntraId;
        var key = Field(form, "key");
        ScimConnectionTestResult result;
        if (key.Length == 0)
        {
            result = await tester.TestTenantAsync(view.Tenant!, "connection test", provider, view.User!.Describe(), context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            // A key the admin pasted must belong to this tenant: testing another tenant's key would tell this admin it works.
            var keyId = key.StartsWith("jscim_", StringComparison.Ordinal) && key.Length > 23 && key[22] == '_' ? key[6..22] : null;
            var own = keyId is not null && (await context.RequestServices.GetRequiredService<ScimCredentialAdministration>().ListKeysAsync(view.Tenant!, context.RequestAborted).ConfigureAwait(false)).Any(k => k.KeyId == keyId);
            if (!own)
            {
                view.Error = "That is not an API key of this tenant. Paste one of the keys listed on the Credentials page, or leave the field empty to test with a temporary key.";
                return Page<TestConnectionPage>(context, "Test connection", new TestConnectionModel(null, provider), StatusCodes.Status400BadRequest, "test");
            }

            result = await tester.TestAsync(provider, key, context.RequestAborted).ConfigureAwait(false);
            await Audit(context).RecordAsync(view.Tenant!, view.User!.Describe(), ScimAdministrationAction.ConnectionTested, keyId,
                $"Test connection as {provider} with key {keyId}: {(result.Passed ? "passed" : "failed")}.", context.RequestAborted).ConfigureAwait(false);
        }

        return Page<TestConnectionPage>(context, "Test connection", new TestConnectionModel(result, provider), section: "test");
    }

    // ---- request log ----

    /// <summary>How long the log keeps records: the administration options' statement, else the provisioning log's own maximum age.</summary>
    private static TimeSpan? Retention(HttpContext context, ScimRequestLogService log) =>
        log.Retention ?? context.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<ProvisioningLogOptions>>()?.Value.MaxAge;

    private static async Task<IResult> LogAsync(HttpContext context, ScimRequestLogService log)
    {
        var view = View(context);
        var filter = LogFilter.Parse(context.Request.Query, out var problem);
        if (problem is not null)
        {
            view.Error = problem;
            return Page<LogPage>(context, "Request log", new LogModel(filter, [], null, Retention(context, log)), StatusCodes.Status400BadRequest, "log");
        }

        ScimRequestLogPage page;
        try
        {
            page = await log.QueryAsync(view.Tenant!, filter.ToQuery(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            view.Error = "The page link is no longer valid (the log changed); start again from the first page.";
            return Page<LogPage>(context, "Request log", new LogModel(filter with { After = null }, [], null, Retention(context, log)), StatusCodes.Status400BadRequest, "log");
        }

        return Page<LogPage>(context, "Request log", new LogModel(filter, page.Records, page.ContinuationToken, Retention(context, log)), section: "log");
    }

    private static async Task<IResult> RevealAsync(HttpContext context, ScimRequestLogService log)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var correlation = Field(form, "correlation");
        if (!long.TryParse(Field(form, "at"), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks <= 0 || ticks > DateTimeOffset.MaxValue.UtcTicks || correlation.Length == 0)
        {
            return Message(context, StatusCodes.Status400BadRequest, "No such record", "The record to reveal was not named; open it from the request log.");
        }

        var at = new DateTimeOffset(ticks, TimeSpan.Zero);
        var page = await log.QueryAsync(view.Tenant!, new ProvisioningLogQuery { From = at.AddSeconds(-1), To = at.AddSeconds(1), PageSize = 1000 }, context.RequestAborted).ConfigureAwait(false);
        if (page.Records.FirstOrDefault(r => r.Entry.CorrelationId == correlation && r.Entry.Timestamp.UtcTicks / TimeSpan.TicksPerMillisecond == ticks / TimeSpan.TicksPerMillisecond) is not { } record)
        {
            return Message(context, StatusCodes.Status404NotFound, "No such record", "This tenant's log has no such record (it may have been deleted by retention).");
        }

        var revealed = await log.RevealAsync(view.Tenant!, record.Entry, view.User!.Describe(), context.RequestAborted).ConfigureAwait(false);
        return Page<LogPage>(context, "Request log", new LogModel(new LogFilter(), [record], null, Retention(context, log), revealed), section: "log");
    }

    // ---- health ----

    private static async Task<IResult> HealthAsync(HttpContext context, ScimProvisioningHealthService health) =>
        Page<HealthPage>(context, "Health", await health.GetAsync(View(context).Tenant!, context.RequestAborted).ConfigureAwait(false), section: "health");

    // ---- notifications ----

    private static async Task<IResult> NotificationsAsync(HttpContext context, ScimNotificationSettingsService settings) =>
        Page<NotificationsPage>(context, "Notifications", new NotificationsModel(await settings.GetAsync(View(context).Tenant!, context.RequestAborted).ConfigureAwait(false), null), section: "notifications");

    private static async Task<IResult> SaveNotificationsAsync(HttpContext context, ScimNotificationSettingsService settings)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var current = await settings.GetAsync(view.Tenant!, context.RequestAborted).ConfigureAwait(false);
        var emails = Field(form, "emails").Split([',', ';', '\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var problems = new List<string>();
        foreach (var email in emails)
        {
            if (!System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
            {
                problems.Add($"'{email}' is not an e-mail address.");
            }
        }

        Uri? webhook = null;
        if (Field(form, "webhook") is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out webhook) || webhook.Scheme is not ("http" or "https")))
        {
            problems.Add($"The webhook must be an absolute http or https URL, not '{url}'.");
        }

        var interval = DigestIntervals.FirstOrDefault(d => d.Value == Field(form, "interval"));
        if (interval.Value is null)
        {
            problems.Add("Choose how often digests are sent from the list.");
        }

        if (!int.TryParse(Field(form, "expiryDays"), NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 90)
        {
            problems.Add("Warn about expiring keys 1 to 90 days ahead.");
        }

        var proposed = current with { EmailAddresses = emails, WebhookUrl = webhook, DigestInterval = interval.Interval, KeyExpiryWarningDays = days };
        if (problems.Count > 0)
        {
            view.Error = string.Join(" ", problems);
            return Page<NotificationsPage>(context, "Notifications", new NotificationsModel(proposed, null), StatusCodes.Status400BadRequest, "notifications");
        }

        var saved = await settings.SaveAsync(view.Tenant!, proposed, view.User!.Describe(), context.RequestAborted).ConfigureAwait(false);
        view.Notice = "Notification settings saved.";
        return Page<NotificationsPage>(context, "Notifications", new NotificationsModel(saved, null), section: "notifications");
    }

    private static async Task<IResult> SendTestNotificationAsync(HttpContext context, ScimNotificationSettingsService settings)
    {
        if (await CheckFormAsync(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = View(context);
        var result = await settings.SendTestAsync(view.Tenant!, view.User!.Describe(), context.RequestAborted).ConfigureAwait(false);
        return Page<NotificationsPage>(context, "Notifications", new NotificationsModel(await settings.GetAsync(view.Tenant!, context.RequestAborted).ConfigureAwait(false), result), section: "notifications");
    }
}

internal sealed record TestConnectionModel(ScimConnectionTestResult? Result, ScimProviderKind? Provider);

internal sealed record LogModel(LogFilter Filter, IReadOnlyList<ScimRequestLogRecord> Records, string? Next, TimeSpan? Retention, ScimRevealedSummary? Revealed = null);

internal sealed record NotificationsModel(ScimNotificationSettings Settings, ScimTestNotificationResult? Test);

/// <summary>The request log's filters, read from and written to the page's query string.</summary>
internal sealed record LogFilter
{
    public bool FailedOnly { get; init; }

    public ProvisioningOperation? Operation { get; init; }

    /// <summary>A <c>userName</c>, or a resource as <c>Users/ID</c>, <c>Groups/ID</c>.</summary>
    public string Subject { get; init; } = "";

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public string? After { get; init; }

    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm";

    public static LogFilter Parse(IQueryCollection query, out string? problem)
    {
        problem = null;
        var filter = new LogFilter
        {
            FailedOnly = query["failed"] == "on",
            Subject = query["subject"].ToString().Trim(),
            After = query["after"].ToString() is { Length: > 0 } after ? after : null,
        };
        if (query["operation"].ToString() is { Length: > 0 } op)
        {
            if (Enum.TryParse<ProvisioningOperation>(op, ignoreCase: false, out var operation) && Enum.IsDefined(operation))
            {
                filter = filter with { Operation = operation };
            }
            else
            {
                problem = $"Unknown operation '{op}'.";
            }
        }

        foreach (var (name, label) in new[] { ("from", "From"), ("to", "To") })
        {
            if (query[name].ToString() is not { Length: > 0 } text)
            {
                continue;
            }

            if (DateTimeOffset.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                filter = name == "from" ? filter with { From = at } : filter with { To = at };
            }
            else
            {
                problem = $"{label} must be a date and time such as 2027-01-31T08:00 (UTC), not '{text}'.";
            }
        }

        return filter;
    }

    public ProvisioningLogQuery ToQuery()
    {
        var query = new ProvisioningLogQuery
        {
            Outcome = FailedOnly ? ProvisioningOutcomeFilter.Failure : ProvisioningOutcomeFilter.Any,
            Operation = Operation,
            From = From,
            To = To,
            PageSize = ConsoleEndpoints.LogPageSize,
            ContinuationToken = After,
        };
        if (Subject.Length == 0)
        {
            return query;
        }

        var slash = Subject.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && Subject[..slash] is "Users" or "Groups")
        {
            return query with { ResourceType = Subject[..(slash - 1)], ResourceId = Subject[(slash + 1)..] };
        }

        return query with { UserName = Subject };
    }

    /// <summary>The query string of these filters, with <paramref name="after"/> as the page.</summary>
    public string ToQueryString(string? after) => QueryString.Create(new KeyValuePair<string, string?>[]
    {
        new("failed", FailedOnly ? "on" : null),
        new("operation", Operation?.ToString()),
        new("subject", Subject.Length == 0 ? null : Subject),
        new("from", From?.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)),
        new("to", To?.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)),
        new("after", after),
    }.Where(p => p.Value is not null)).ToString();
}
