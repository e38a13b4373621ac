using System.Globalization;

namespace Jostle.Scim.CycleDriver;

/// <summary>What to run: an Entra initial cycle, a seed (POSTs only) or a userName lookup load.</summary>
internal enum DriverMode
{
    Cycle,
    Seed,
    Lookup,
    Soak,
}

/// <summary>
/// The driver's command line: <c>MODE --url BASE --token TOKEN [options]</c>. See <see cref="Usage"/>.
/// </summary>
internal sealed record DriverOptions
{
    public const string Usage = """
        usage: Jostle.Scim.CycleDriver cycle|seed|lookup|soak --url BASE_URL [options]
          --url URL            SCIM base URL, e.g. http://127.0.0.1:5000/scim/v2 (required)
          --token TOKEN        bearer token (default: secret)
          --users N            cycle/seed: users to create; lookup: how many are seeded (default 10000)
          --groups G           cycle: groups to create (default 100)
          --members M          cycle: members added to each group (default 100; at most --users)
          --member-batch B     cycle: members per PATCH (default 10; see docs/benchmarks.md, "Entra initial cycle")
          --member-order O     cycle: spread (default: batch k goes to group k mod G, so one group's PATCHes
                               rarely overlap, as when Entra works one object at a time) or grouped (all of
                               group 0's batches, then group 1's...: concurrent PATCHes to one group)
          --concurrency C      requests in flight (default 8)
          --prefix P           userName is P-<i>@example.com (default: cycle; the LoadHost's --seed uses "seed")
          --start S            seed: first index (default 0), to grow a seeded population
          --requests R         lookup: timed requests (default 20000)
          --warmup W           lookup: untimed requests first (default 2000)
          --duration S         soak: seconds of mixed traffic (default 1800; see SoakRunner.cs)
          --interval S         soak: seconds per sample line (default 15)
          --rate R             soak: operations per second, 0 = unpaced (default 100)
          --samples FILE       soak: append each interval's JSON line to FILE
          --no-verify          cycle: skip reading every group back to count its members
          --label L            label in the JSON line (default: the mode)
          --out FILE           also append the JSON line to FILE
        Prints one JSON line on stdout and a summary on stderr; exit code 1 when any request failed.
        """;

    public DriverMode Mode { get; init; }
    public required Uri BaseUrl { get; init; }
    public string Token { get; init; } = "secret";
    public int Users { get; init; } = 10_000;
    public int Groups { get; init; } = 100;
    public int Members { get; init; } = 100;
    public int MemberBatch { get; init; } = 10;
    public bool MembersGrouped { get; init; }
    public int Concurrency { get; init; } = 8;
    public string Prefix { get; init; } = "cycle";
    public int Start { get; init; }
    public int Requests { get; init; } = 20_000;
    public int Warmup { get; init; } = 2_000;
    public bool Verify { get; init; } = true;
    public string? Label { get; init; }
    public string? Out { get; init; }
    public int DurationSeconds { get; init; } = 1800;
    public int IntervalSeconds { get; init; } = 15;
    public int Rate { get; init; } = 100;
    public string? Samples { get; init; }

    public string UserName(int i) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{i}@example.com");

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a readable message.</summary>
    public static DriverOptions Parse(string[] args)
    {
        if (args.Length == 0 || !Enum.TryParse<DriverMode>(args[0], ignoreCase: true, out var mode) || int.TryParse(args[0], out _))
        {
            throw new ArgumentException("the first argument must be cycle, seed, lookup or soak");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var verify = true;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--no-verify")
            {
                verify = false;
                continue;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            values[args[i][2..]] = args[++i];
        }

        int Int(string name, int fallback, int min)
        {
            if (!values.Remove(name, out var text))
            {
                return fallback;
            }

            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new ArgumentException($"--{name} must be an integer >= {min}, not '{text}'");
        }

        string? Text(string name) => values.Remove(name, out var text) ? text : null;

        var url = Text("url") ?? throw new ArgumentException("--url is required");
        if (!Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out var baseUrl))
        {
            throw new ArgumentException($"--url '{url}' is not an absolute URL");
        }

        var options = new DriverOptions
        {
            Mode = mode,
            BaseUrl = baseUrl,
            Token = Text("token") ?? "secret",
            Users = Int("users", 10_000, 1),
            Groups = Int("groups", 100, 0),
            Members = Int("members", 100, 0),
            MemberBatch = Int("member-batch", 10, 1),
            MembersGrouped = (Text("member-order") ?? "spread") switch
            {
                "spread" => false,
                "grouped" => true,
                var other => throw new ArgumentException($"--member-order must be spread or grouped, not '{other}'"),
            },
            Concurrency = Int("concurrency", 8, 1),
            Prefix = Text("prefix") ?? "cycle",
            Start = Int("start", 0, 0),
            Requests = Int("requests", 20_000, 1),
            Warmup = Int("warmup", 2_000, 0),
            Verify = verify,
            Label = Text("label"),
            Out = Text("out"),
            DurationSeconds = Int("duration", 1800, 1),
            IntervalSeconds = Int("interval", 15, 1),
            Rate = Int("rate", 100, 0),
            Samples = Text("samples"),
        };
        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown option --{values.Keys.First()}");
        }

        if (options.Mode == DriverMode.Cycle && options.Members > options.Users)
        {
            throw new ArgumentException($"--members ({options.Members}) cannot exceed --users ({options.Users})");
        }

        return options;
    }
}
