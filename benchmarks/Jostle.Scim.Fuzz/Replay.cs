namespace Jostle.Scim.Fuzz;

/// <summary>Runs a target over files (or every file of a folder) without afl-fuzz: reproduces a crash with its stack trace, or checks a corpus.</summary>
internal static class Replay
{
    public static unsafe void ProvideCoverageMap()
    {
        if (SharpFuzz.Common.Trace.SharedMem == null)
        {
            SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
        }
    }

    public static int Run(Action<byte[]> target, IEnumerable<string> paths)
    {
        var failures = 0;
        var count = 0;
        foreach (var file in paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]))
        {
            count++;
            try
            {
                target(File.ReadAllBytes(file));
            }
#pragma warning disable CA1031 // Every failure of a target is reported, whatever it is.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures++;
                Console.WriteLine($"FAIL {file}\n{e}\n");
            }
        }

        Console.WriteLine($"{count} inputs, {failures} failures");
        return failures == 0 ? 0 : 1;
    }
}
