namespace Jostle.Scim.Host;

/// <summary>Runs a bound <see cref="CommandLine"/>: the server, or a command against the database.</summary>
internal static class HostRunner
{
    /// <summary>How help and hints name this program.</summary>
    public const string ExecutableName = "Jostle.Scim.Host";

    /// <summary>Runs the server or the command.</summary>
    public static Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken) => line.Command switch
    {
        HostCommand.Serve => ServerStartup.RunAsync(line.Options),
        _ => HostCommands.RunAsync(line, Console.Out, Console.Error, cancellationToken),
    };
}
