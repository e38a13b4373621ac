// The intranet app's entry point: the command line decides whether to serve or to run a command (see IntranetCommandLine).
return await IntranetApp.IntranetCommandLine.RunAsync(args);

/// <summary>The program (public so that tests can find the assembly).</summary>
public partial class Program;
