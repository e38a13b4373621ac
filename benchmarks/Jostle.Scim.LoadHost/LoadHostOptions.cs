using System.Globalization;

namespace Jostle.Scim.LoadHost;

/// <summary>
/// Command line of the load host (anything else, such as <c>--urls</c>, goes to ASP.NET Core):
/// <c>--rate-limit N</c> sets the library's per-tenant rate limit (default <c>0</c>: off, this is a load host);
/// <c>--trivial</c> answers <c>GET /scim/v2/Users</c> with a fixed small ListResponse (the ceiling);
/// <c>--seed N</c> creates N users in-process before the host reports that it is ready (<c>--seed-bulk N</c>:
/// through <c>POST /Bulk</c> over loopback instead), followed by one full collection unless <c>--no-settle</c>;
/// <c>--token</c>, <c>--tenant</c>, <c>--base-path</c>.
/// </summary>
internal sealed record LoadHostOptions(bool Trivial, int Seed, bool SeedThroughBulk, string Token, string Tenant, string BasePath, int RateLimit, bool NoSettle = false)
{
    public const string TenantClaimType = "scim:tenant";

    public static LoadHostOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        return new LoadHostOptions(
            Trivial: args.Contains("--trivial"),
            Seed: int.Parse(Value("--seed") ?? Value("--seed-bulk") ?? "0", CultureInfo.InvariantCulture),
            SeedThroughBulk: args.Contains("--seed-bulk"),
            Token: Value("--token") ?? "secret",
            Tenant: Value("--tenant") ?? "load",
            BasePath: Value("--base-path") ?? "/scim/v2",
            RateLimit: int.Parse(Value("--rate-limit") ?? "0", CultureInfo.InvariantCulture),
            NoSettle: args.Contains("--no-settle"));
    }

    /// <summary>The arguments left for ASP.NET Core's configuration.</summary>
    public static string[] HostArguments(string[] args)
    {
        var own = new HashSet<string> { "--seed", "--seed-bulk", "--token", "--tenant", "--base-path", "--rate-limit" };
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--trivial" or "--no-settle")
            {
                continue;
            }

            if (own.Contains(args[i]))
            {
                i++;
                continue;
            }

            rest.Add(args[i]);
        }

        return [.. rest];
    }
}
