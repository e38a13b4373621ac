namespace IntranetApp;

/// <summary>What the command line chose: where the data lives, where the server listens, and whether SCIM serves groups.</summary>
public sealed record IntranetSettings
{
    /// <summary>Where the server listens when <c>--urls</c> is not given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary><c>--data</c>: the folder of the app's database and of the SCIM keys and log. Default <c>./data</c>.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary><c>--urls</c>: where the server listens (<c>;</c>-separated).</summary>
    public string? Urls { get; init; }

    /// <summary><c>--groups on|off</c>: whether SCIM provisions teams as groups (on) or users only (off). Default on.</summary>
    public bool Groups { get; init; } = true;

    /// <summary>The app's own SQLite database.</summary>
    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, "intranet.db"));

    /// <summary>The SQLite database of the SCIM API keys and provisioning log.</summary>
    public string ScimDatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, "scim.db"));

    /// <summary>The SCIM base URL a client uses: the first <c>--urls</c> address (a wildcard host read as localhost) and <c>/scim/v2</c>.</summary>
    public string ScimBaseUrl
    {
        get
        {
            var first = (Urls ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? DefaultUrl;
            var address = first.TrimEnd('/');
            foreach (var wildcard in new[] { "://*", "://+", "://0.0.0.0", "://[::]" })
            {
                address = address.Replace(wildcard, "://localhost", StringComparison.Ordinal);
            }

            return address + ScimSetup.BasePath;
        }
    }
}
