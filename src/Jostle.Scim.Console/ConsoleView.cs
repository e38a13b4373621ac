using System.Globalization;

namespace Jostle.Scim.AdminConsole;

/// <summary>
/// What one console page renders: set by the endpoint, injected into the page component (scoped per request, so pages
/// need no public parameters).
/// </summary>
internal sealed class ConsoleView
{
    public string Prefix { get; set; } = "";

    public string Title { get; set; } = "";

    public ConsoleUser? User { get; set; }

    /// <summary>The tenant of a tenant page, or <see langword="null"/>.</summary>
    public string? Tenant { get; set; }

    /// <summary>The tenant page's section (navigation marks it current).</summary>
    public string? Section { get; set; }

    /// <summary>A one-line confirmation of what the last action did.</summary>
    public string? Notice { get; set; }

    /// <summary>A one-line error about the last action.</summary>
    public string? Error { get; set; }

    public string AntiforgeryFieldName { get; set; } = "";

    public string AntiforgeryToken { get; set; } = "";

    public object? Model { get; set; }

    public T Get<T>()
        where T : class => Model as T ?? throw new InvalidOperationException($"The page expected a {typeof(T).Name}.");

    /// <summary>A console URL: <paramref name="path"/> under the console's prefix.</summary>
    public string Url(string path) => Prefix + path;

    /// <summary>A URL of the current tenant's pages.</summary>
    public string TenantUrl(string section = "") => TenantUrl(Tenant ?? "", section);

    /// <summary>A URL of a tenant's pages.</summary>
    public string TenantUrl(string tenant, string section) =>
        Prefix + "/tenants/" + Uri.EscapeDataString(tenant) + (section.Length == 0 ? "" : "/" + section);

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "never";
}
