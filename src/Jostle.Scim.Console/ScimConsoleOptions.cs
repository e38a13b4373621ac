namespace Jostle.Scim.AdminConsole;

/// <summary>Options of the provisioning console (<c>AddJostleScimConsole</c>).</summary>
public sealed class ScimConsoleOptions
{
    /// <summary>The path the SCIM endpoints are mapped at (<c>MapJostleScim</c>'s prefix), shown as the base URL. Default <c>/scim/v2</c>.</summary>
    public string ScimBasePath { get; set; } = "/scim/v2";

    /// <summary>How long a console session lasts without activity. Default eight hours.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long the provisioning log keeps records, stated on the request log page. Default 30 days (the log's default).</summary>
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Names the console registers.</summary>
public static class ScimConsoleDefaults
{
    /// <summary>The cookie authentication scheme of console sessions. It authenticates console pages only, never SCIM requests.</summary>
    public const string AuthenticationScheme = "JostleScimConsole";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = ".JostleScim.Console";
}
