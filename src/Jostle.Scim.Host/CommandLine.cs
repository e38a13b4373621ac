using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Diagnostics.CodeAnalysis;

namespace Jostle.Scim.Host;

/// <summary>What the process was asked to do.</summary>
internal enum HostCommand
{
    /// <summary>No command: run the SCIM server.</summary>
    Serve,

    /// <summary><c>--help</c>, <c>-h</c>, <c>help</c>, or <c>--version</c>: the framework prints it.</summary>
    Help,

    /// <summary><c>keys create</c>.</summary>
    KeysCreate,

    /// <summary><c>keys list</c>.</summary>
    KeysList,

    /// <summary><c>keys revoke ID</c>.</summary>
    KeysRevoke,

    /// <summary><c>keys rotate ID</c>.</summary>
    KeysRotate,

    /// <summary><c>log</c>.</summary>
    Log,

    /// <summary><c>clients create</c>.</summary>
    ClientsCreate,

    /// <summary><c>clients list</c>.</summary>
    ClientsList,

    /// <summary><c>clients secret add CLIENT</c>.</summary>
    ClientsSecretAdd,

    /// <summary><c>clients secret revoke CLIENT SECRET_ID</c>.</summary>
    ClientsSecretRevoke,

    /// <summary><c>clients revoke CLIENT</c>.</summary>
    ClientsRevoke,

    /// <summary><c>clients trust</c>: a federated credential (workload identity federation).</summary>
    ClientsTrust,

    /// <summary><c>console link</c>: a one-time sign-in URL for the browser console.</summary>
    ConsoleLink,
}

/// <summary>
/// One invocation, bound from the System.CommandLine tree (<see cref="HostCommandTree"/>): a command (none = run the
/// server), its own options and the shared <see cref="ScimHostOptions"/>.
/// </summary>
internal sealed record CommandLine(HostCommand Command, ScimHostOptions Options)
{
    /// <summary>The exit code of a command line that cannot be understood (System.CommandLine's own default is 1).</summary>
    public const int UsageExitCode = 2;

    /// <summary>The actor (automation user) of a key created without <c>--user</c>.</summary>
    public const string DefaultUser = "scim-provisioning";

    /// <summary>The most log records <c>log</c> prints without <c>--limit</c>.</summary>
    public const int DefaultLogLimit = 100;

    /// <summary><c>--tenant</c>.</summary>
    public string? Tenant { get; init; }

    /// <summary><c>--description</c>.</summary>
    public string? Description { get; init; }

    /// <summary><c>--user</c>: the automation user a new key acts as (<c>keys create</c>), or the userName to show (<c>log</c>).</summary>
    public string User { get; init; } = DefaultUser;

    /// <summary><c>log --user</c>: only records about this userName (case-insensitive).</summary>
    public string? LogUser { get; init; }

    /// <summary><c>log --resource</c>: <c>Users/ID</c>, <c>Groups/ID</c>, <c>Users</c>, <c>Groups</c> or a bare id.</summary>
    public string? Resource { get; init; }

    /// <summary><c>log --since</c>: the oldest record to show.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The key id of <c>keys revoke</c> (taken from a whole key when one was pasted).</summary>
    public string? KeyId { get; init; }

    /// <summary>The OAuth client id (<c>jsc_…</c>) of <c>clients secret …</c> and <c>clients revoke</c>.</summary>
    public string? ClientId { get; init; }

    /// <summary>The secret id of <c>clients secret revoke</c> (taken from a whole secret when one was pasted).</summary>
    public string? SecretId { get; init; }

    /// <summary><c>--expires</c>: when a new client secret or API key stops working (<see langword="null"/>: the secret's default lifetime; a key that does not expire).</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary><c>clients trust</c>: the issuer, subject and audience an assertion must carry, and where the issuer's keys are.</summary>
    public FederatedTrust? Trust { get; init; }

    /// <summary><c>keys rotate --grace</c>: how long after the new key's first use the old one is revoked.</summary>
    public TimeSpan? Grace { get; init; }

    /// <summary><c>--new-tenant</c>: create a tenant whose name differs only in case from an existing one.</summary>
    public bool NewTenant { get; init; }

    /// <summary><c>--json</c>.</summary>
    public bool Json { get; init; }

    /// <summary><c>--failed</c>.</summary>
    public bool FailedOnly { get; init; }

    /// <summary><c>--limit</c> of <c>log</c>.</summary>
    public int Limit { get; init; } = DefaultLogLimit;

    /// <summary>Parses and binds the arguments without running anything (tests, and the shape of every invocation).</summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="commandLine">The bound command line.</param>
    /// <param name="error">The framework's parse errors, one a line, when parsing fails.</param>
    /// <returns>Whether the arguments were understood.</returns>
    public static bool TryParse(string[] args, [NotNullWhen(true)] out CommandLine? commandLine, [NotNullWhen(false)] out string? error)
    {
        CommandLine? bound = null;
        var root = HostCommandTree.Build((line, _) =>
        {
            bound = line;
            return Task.FromResult(0);
        });
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            commandLine = null;
            error = string.Join(Environment.NewLine, parse.Errors.Select(e => e.Message));
            return false;
        }

        if (parse.Action is HelpAction || parse.Action == root.Options.OfType<VersionOption>().Single().Action || parse.CommandResult.Command.Name == HostCommandTree.HelpCommandName)
        {
            commandLine = new CommandLine(HostCommand.Help, new ScimHostOptions());
            error = null;
            return true;
        }

        parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        commandLine = bound!;
        error = null;
        return true;
    }
}

/// <summary><c>clients trust</c>: what a federated client assertion must carry and where its signing keys are.</summary>
/// <param name="Issuer">The assertion's <c>iss</c>.</param>
/// <param name="Subject">The assertion's <c>sub</c>.</param>
/// <param name="Audience">The assertion's <c>aud</c>.</param>
/// <param name="KeySource">An https JWKS URL, or the absolute path of a JWKS file.</param>
internal sealed record FederatedTrust(string Issuer, string Subject, string Audience, string KeySource);
