using BenchmarkDotNet.Running;

if (args is ["patch-diff", var file])
{
    return Jostle.Scim.Benchmarks.PatchDiff.Run(file);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
