using System.CommandLine;
using System.CommandLine.Invocation;
using Jostle.Scim.Host;

// The runnable SCIM server and its command line (System.CommandLine). With no command it serves SCIM; `keys …` and
// `log` work on the same database without starting a web server. See docs/host.md.
var root = HostCommandTree.Build(HostRunner.RunAsync);
var parse = root.Parse(args);
if (parse.Action is ParseErrorAction)
{
    // The framework's default exit code for a parse error is 1; ours is 2 (1 means the command ran and failed). Errors
    // and the pointer to help go to standard error, so standard output stays empty.
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync("error: " + error.Message);
    }

    var path = string.Join(' ', parse.CommandResult.Command == root ? [] : Ancestry(parse.CommandResult));
    await Console.Error.WriteLineAsync($"{Environment.NewLine}See '{HostRunner.ExecutableName} {(path.Length == 0 ? "" : path + " ")}--help'.");
    return CommandLine.UsageExitCode;
}

try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
}
#pragma warning disable CA1031 // The top level turns any failure into a message and exit code 1 instead of a stack trace.
catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync("error: " + HostErrors.Describe(ex));
    return HostCommands.FailureExitCode;
}

static IEnumerable<string> Ancestry(System.CommandLine.Parsing.CommandResult result)
{
    var names = new Stack<string>();
    for (var r = result; r is not null && r.Parent is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
    {
        names.Push(r.Command.Name);
    }

    return names;
}
