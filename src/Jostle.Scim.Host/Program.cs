using Jostle.Scim.Host;

// The runnable SCIM server and its command line. With no command it serves SCIM; `keys …` and `log` work on the same
// database without starting a web server. See docs/host.md.
if (!CommandLine.TryParse(args, out var line, out var problem))
{
    await Console.Error.WriteLineAsync($"error: {problem}{Environment.NewLine}{Environment.NewLine}{CommandLine.Usage}");
    return CommandLine.UsageExitCode;
}

try
{
    return line.Command switch
    {
        HostCommand.Help => await WriteUsageAsync(),
        HostCommand.Serve => await ServerStartup.RunAsync(line.Options),
        _ => await HostCommands.RunAsync(line, Console.Out, Console.Error, CancellationToken.None),
    };
}
#pragma warning disable CA1031 // The top level turns any failure into a message and exit code 1 instead of a stack trace.
catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"error: {ex.GetBaseException().Message}");
    return HostCommands.FailureExitCode;
}

static async Task<int> WriteUsageAsync()
{
    await Console.Out.WriteLineAsync(CommandLine.Usage);
    return 0;
}
