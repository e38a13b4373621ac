using Jostle.Scim.Fuzz;

// Jostle.Scim.Fuzz TARGET                  run under afl-fuzz (benchmarks/fuzz/run-fuzz.sh sets this up)
// Jostle.Scim.Fuzz TARGET FILE|DIR...      replay inputs without AFL: prints each failure, exit code 1 if any
// Jostle.Scim.Fuzz --list                  the target names
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: Jostle.Scim.Fuzz TARGET [FILE|DIR...]   (targets: " + string.Join(", ", FuzzTargets.Names) + ")");
    return 2;
}

if (args[0] == "--list")
{
    Console.WriteLine(string.Join('\n', FuzzTargets.Names));
    return 0;
}

if (!FuzzTargets.TryGet(args[0], out var target))
{
    Console.Error.WriteLine($"unknown target '{args[0]}'; targets: {string.Join(", ", FuzzTargets.Names)}");
    return 2;
}

if (args.Length == 1)
{
    // Out of process: a crash that takes the process down (a stack overflow) or a hang is reported to afl-fuzz as
    // such, and the child is restarted; an exception the target does not expect is a crash.
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.ToArray());
    });
    return 0;
}

// Instrumented code (after run-fuzz.sh) writes its coverage to afl's shared memory, which only exists under afl-fuzz:
// give a replay a scratch map instead, so the same build reproduces a crash.
Replay.ProvideCoverageMap();
return Replay.Run(target, args[1..]);
