namespace Jostle.Scim.AdminConsole;

/// <summary>Options of the provisioning console (<c>AddJostleScimConsole</c>).</summary>
public sealed class ScimConsoleOptions
{
    /// <summary>How long a console session lasts without activity. Default eight hours.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>Names the console registers.</summary>
public static class ScimConsoleDefaults
{
    /// <summary>The cookie authentication scheme of console sessions. It authenticates console pages only, never SCIM requests.</summary>
    public const string AuthenticationScheme = "JostleScimConsole";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = ".JostleScim.Console";
}
